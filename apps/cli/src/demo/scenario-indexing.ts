import { MODELS, planCall } from './model-calls.js';
import { genAiCall } from './record-genai.js';
import { dbQuery } from './record-infra.js';
import type { Scenario, ScenarioContext } from './scenario.js';
import { SCOPES, SERVICES } from './services.js';

/**
 * A batch job (Python, the OpenTelemetry OpenAI instrumentation) indexes changed help-center
 * pages: each batch of chunks is one embeddings call, then an upsert into Postgres (pgvector).
 */

const SOURCES = ['confluence:SUPPORT', 'confluence:ENG', 'zendesk:help-center', 'notion:handbook', 'github:acme/docs'];

export const indexingScenario: Scenario = {
  name: 'embeddings-indexer',
  weight: 6,
  inTour: true,
  run(ctx: ScenarioContext): void {
    const { rng, trace: t } = ctx;
    const app = { resource: SERVICES.docIndexer, scope: SCOPES.app('doc_indexer.pipeline') };
    const batches = rng.int(2, 5);
    const documents = rng.int(8, 60);
    t.span(
      null,
      'index_documents',
      { ...app, attributes: { 'indexer.source': rng.pick(SOURCES), 'indexer.documents': documents, 'indexer.batches': batches } },
      (root) => {
        dbQuery(
          t,
          root,
          'postgresql',
          'SELECT',
          'documents',
          'SELECT id, body, updated_at FROM documents WHERE updated_at > $1 ORDER BY id',
          rng.between(4, 30),
          app,
        );
        for (let b = 0; b < batches; b++) {
          const size = rng.int(16, 64);
          t.span(root, 'embed_batch', { ...app, attributes: { 'indexer.batch': b, 'indexer.chunks': size } }, (batch) => {
            const embed = planCall(rng, MODELS.embedding, {
              operation: 'embeddings',
              messages: [{ role: 'user', content: `chunk 1 of ${size}` }],
              extraInputTokens: size * rng.int(180, 420),
            });
            genAiCall(t, batch, embed, { resource: SERVICES.docIndexer, scope: SCOPES.openaiV2 });
            dbQuery(
              t,
              batch,
              'postgresql',
              'INSERT',
              'kb_chunks',
              'INSERT INTO kb_chunks (id, article_id, body, embedding) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body, embedding = EXCLUDED.embedding',
              rng.between(8, 60),
              app,
            );
          });
        }
      },
    );
  },
};
