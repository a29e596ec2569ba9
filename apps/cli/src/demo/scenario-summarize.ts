import { type CallError, MODELS, planCall } from './model-calls.js';
import { genAiCall, type RecordContext } from './record-genai.js';
import { httpServer } from './record-infra.js';
import type { Scenario, ScenarioContext } from './scenario.js';
import { SCOPES, SERVICES } from './services.js';

/**
 * A summarization chain (TypeScript, Gemini through @sightline/sdk, GenAI conventions): a
 * document is split into chunks, each summarized by a streamed call at the same time (with
 * "thinking" tokens on some), then one streamed call merges the partial summaries. Gemini is
 * sometimes overloaded (503) and the chunk is tried again.
 */

interface Doc {
  readonly title: string;
  readonly kind: string;
  readonly excerpt: string;
  readonly points: readonly string[];
}

const DOCS: readonly Doc[] = [
  {
    title: 'Incident review: delayed payment webhooks (Oct 3)',
    kind: 'incident-review',
    excerpt:
      'At 14:02 UTC the webhook queue depth started to grow after a deploy raised the worker batch size from 50 to 500. Deliveries were delayed by up to 47 minutes; no events were lost.',
    points: [
      'Cause: a deploy raised the webhook worker batch size tenfold, so slow endpoints held workers for minutes.',
      'Impact: deliveries delayed up to 47 minutes for 312 customers between 14:02 and 15:10 UTC; nothing lost.',
      'Fix: batch size reverted at 14:51; per-endpoint timeouts lowered to 10 s.',
      'Follow-ups: alert on queue age, not depth; load-test batch changes; isolate slow endpoints.',
    ],
  },
  {
    title: 'Customer interviews — finance teams (round 3)',
    kind: 'research-notes',
    excerpt:
      '"Month-end close takes us four days, and two of them are chasing missing receipts." — Controller, logistics company, 140 employees. Five of seven teams export to spreadsheets before reconciling.',
    points: [
      'Month-end close takes 3–5 days; chasing missing receipts is the biggest time sink.',
      'Five of seven teams export to spreadsheets to reconcile, mostly for multi-currency invoices.',
      'Approval chains break when approvers are on leave; delegation is the top feature request.',
      'Teams would pay for automatic receipt matching if it works with their bank feeds.',
    ],
  },
  {
    title: 'RFC 042: Store invoice PDFs in object storage',
    kind: 'rfc',
    excerpt:
      'Invoice PDFs are stored as BYTEA in Postgres (1.8 TB, 61% of the database). Backups take 9 hours and restores were not tested at this size. We propose moving PDFs to S3 with content-addressed keys.',
    points: [
      'Problem: PDFs in Postgres make up 61% of the database; backups take 9 hours.',
      'Proposal: S3 with content-addressed keys, served through signed URLs valid for 10 minutes.',
      'Migration: dual-write for two weeks, backfill at night, then drop the column.',
      'Open questions: retention for deleted accounts; EU data residency for the EU bucket.',
    ],
  },
  {
    title: 'Sales call transcript — Brightline Logistics',
    kind: 'call-transcript',
    excerpt:
      'Dana (Brightline): We run about 4,000 invoices a month across three entities. Today it is two tools and a lot of copy-paste. Sam (Northwind): Multi-entity is on the Business plan…',
    points: [
      'Brightline sends ~4,000 invoices a month across three legal entities and two tools today.',
      'Must-haves: multi-entity, NetSuite sync, approval delegation.',
      'Concern: migrating 6 years of invoice history; asked for a migration plan.',
      'Next step: technical call with their IT lead next Tuesday; trial workspace set up.',
    ],
  },
  {
    title: 'SOC 2 readiness assessment — findings',
    kind: 'audit',
    excerpt:
      'Access reviews are performed ad hoc. 14 former contractors still had read access to the analytics warehouse. Production database credentials are shared by three services.',
    points: [
      'Access reviews are ad hoc; 14 former contractors kept warehouse access.',
      'Three services share production database credentials; move to per-service roles.',
      'Backups are encrypted but restore tests are not documented.',
      'Remediate before the observation period starts on Jan 15.',
    ],
  },
];

const OVERLOADED: CallError = {
  type: 'ServerError',
  status: 503,
  message: '503 UNAVAILABLE. The model is overloaded. Please try again later.',
};

export const summarizeScenario: Scenario = {
  name: 'summarize-chain',
  weight: 10,
  inTour: true,
  run(ctx: ScenarioContext): void {
    const { rng, trace: t } = ctx;
    const doc = rng.pick(DOCS);
    const chunks = rng.int(2, 5);
    const userId = ctx.user();
    const app = { resource: SERVICES.summarizer, scope: SCOPES.app('summarizer') };
    const sdk: RecordContext = { resource: SERVICES.summarizer, scope: SCOPES.sightlineSdk, userId };
    const chunkTokens = rng.int(1_400, 3_600);
    const instructions = `Summarize this part of a ${doc.kind.replace('-', ' ')} in at most four bullet points. Keep numbers, names and dates exact.`;

    httpServer(t, null, 'POST', '/api/summaries', { resource: SERVICES.summarizer, scope: SCOPES.http }, (root) => {
      root.set({ 'enduser.id': userId });
      t.span(
        root,
        'summarize_document',
        {
          ...app,
          attributes: {
            'document.title': doc.title,
            'document.kind': doc.kind,
            'document.chunks': chunks,
            'summarizer.strategy': 'map_reduce',
          },
        },
        (chain) => {
          t.span(chain, 'split_document', {
            ...app,
            durationMs: rng.between(2, 12),
            attributes: { 'document.chunks': chunks, 'chunk.max_tokens': 4_000 },
          });
          const partials: string[] = [];
          t.parallel(
            Array.from({ length: chunks }, (_, i) => () => {
              const summary = (doc.points[i % doc.points.length] as string).replace(/^[^:]+: /, '');
              partials.push(summary);
              const request = {
                system: instructions,
                messages: [{ role: 'user' as const, content: `[Part ${i + 1} of ${chunks}]\n${doc.excerpt}…` }],
                output: { role: 'assistant' as const, content: `- ${summary}` },
                streaming: true,
                temperature: 0.3,
                maxTokens: 1_024,
                extraInputTokens: chunkTokens,
                reasoningTokens: rng.chance(0.4) ? rng.int(120, 900) : undefined,
              };
              if (rng.chance(0.08)) {
                genAiCall(t, chain, planCall(rng, MODELS.gemini, { ...request, error: OVERLOADED }), sdk);
                t.wait(rng.between(800, 2_500));
              }
              genAiCall(t, chain, planCall(rng, MODELS.gemini, request), sdk);
            }),
          );
          const truncated = rng.chance(0.05);
          const merge = planCall(rng, MODELS.gemini, {
            system: 'Merge these partial summaries into one summary: a one-sentence overview, then at most five bullet points.',
            messages: [{ role: 'user', content: partials.map((p) => `- ${p}`).join('\n') }],
            output: { role: 'assistant', content: `**${doc.title}**\n${doc.points.map((p) => `- ${p}`).join('\n')}` },
            finish: truncated ? 'length' : 'stop',
            streaming: true,
            temperature: 0.3,
            maxTokens: truncated ? 256 : 1_024,
            // Gemini caches repeated prompt prefixes on its own; the merge instructions often are.
            cachedPrefixTokens: rng.chance(0.3) ? 1_024 : 0,
            extraInputTokens: 1_100,
          });
          genAiCall(t, chain, merge, sdk);
        },
      );
    });
  },
};
