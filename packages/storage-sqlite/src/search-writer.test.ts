import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSpan, ingestCalls } from '@sightline/storage/testing';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStorage } from './sqlite-storage.js';

const dir = mkdtempSync(join(tmpdir(), 'sightline-search-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The index's segments: its pages' rowids are the segment's id shifted 37 bits (FTS5's `FTS5_SEGMENT_ROWID`). */
const segments = (db: Database.Database) =>
  db.prepare('SELECT count(DISTINCT id >> 37) FROM span_search_data WHERE id >> 37 > 0').pluck().get() as number;

/** 40 agent runs: a root and seven model calls each, whose call rows go in between the spans' search texts. */
function agentRuns(batch: number) {
  const spans = Array.from({ length: 40 }, (_, t) => {
    const traceId = `${batch}${t}`.padStart(32, '0');
    const rootId = `${batch}${t}`.padStart(16, '0');
    return [
      buildSpan({ traceId, spanId: rootId, name: 'agent.run' }),
      ...Array.from({ length: 7 }, (_, i) =>
        buildSpan({
          traceId,
          parentSpanId: rootId,
          name: 'chat gpt-4o-mini',
          startMs: i * 10,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'gpt-4o-mini',
            'gen_ai.usage.input_tokens': 100,
            'gen_ai.usage.output_tokens': 20,
            'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `question b${batch}t${t}c${i}` }] }]),
          },
        }),
      ),
    ];
  }).flat();
  return [{ project: 'default', spans, calls: ingestCalls(spans) }];
}

describe('writing the search index', () => {
  it("puts a batch's texts in as one segment, whatever else the batch writes, and finds every span", async () => {
    const path = join(dir, 'one-segment.db');
    const store = new SqliteStorage({ path });
    await store.writer.write(agentRuns(1));
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM llm_calls').pluck().get()).toBe(280);
    // Texts inserted 64 per statement made a segment per statement (5 here), and one more for
    // every statement of call rows in between; merging waits for 16 on a level.
    expect(segments(db)).toBe(1);
    const match = db.prepare('SELECT count(*) FROM span_search WHERE span_search MATCH ?').pluck();
    expect(match.get('question')).toBe(280);
    expect(match.get('b1t39c6')).toBe(1);
    expect(match.get('"agent" "run"')).toBe(40);

    await store.writer.write(agentRuns(2));
    expect(segments(db)).toBe(2);
    expect(match.get('question')).toBe(560);
    db.close();
    await store.close();
  });
});
