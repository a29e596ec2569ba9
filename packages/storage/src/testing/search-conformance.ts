import { type AnyValue, type Span, StatusCode } from '@sightline/core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CallQuery } from '../call-query.js';
import type { TraceQuery } from '../query.js';
import { SEARCH_VALUE_CHARS } from '../search-text.js';
import type { Storage } from '../storage.js';
import { ingestCalls, llmSpan } from './call-conformance.js';
import { attrs, buildSpan, buildTrace, T0 } from './span-builder.js';

const MS = 1_000_000n;

const messages = (role: string, content: string) => JSON.stringify([{ role, parts: [{ type: 'text', content }] }]);

/** The cases of free-text search (`TraceQuery.text`, `CallQuery.text`). */
export function describeSearchConformance(getStore: () => Storage): void {
  const write = (spans: Span[], project = 'default') => getStore().writer.write([{ project, spans, calls: ingestCalls(spans) }]);
  const traces = async (text: string, q: Partial<TraceQuery> = {}) =>
    (await getStore().reader.findTraces({ project: 'default', limit: 100, text, ...q })).items.map((t) => t.traceId);
  const calls = async (text: string, q: Partial<CallQuery> = {}) =>
    (await getStore().calls.findCalls({ project: 'default', limit: 100, text, ...q })).items.map((c) => c.spanId);

  describe('free-text search', () => {
    it('is a capability of the store', () => {
      expect(getStore().reader.capabilities.textSearch).toBe(true);
    });

    describe('over traces', () => {
      let checkout: Span[];
      let chat: Span;
      let agent: Span[];
      let failing: Span[];
      beforeEach(async () => {
        checkout = buildTrace(3, { name: 'POST /checkout', service: 'shop', startMs: 0 });
        checkout[1] = {
          ...(checkout[1] as Span),
          name: 'payment.authorize',
          attributes: attrs({ 'db.statement': 'SELECT * FROM orders WHERE id = 42', 'http.status_code': 402n, retried: true }),
        };
        chat = llmSpan({
          startMs: 1000,
          service: 'support-bot',
          extra: {
            'gen_ai.input.messages': messages('user', 'Where is my parcel? It was due on Monday.'),
            'gen_ai.output.messages': JSON.stringify([
              { role: 'assistant', parts: [{ type: 'text', content: 'Your parcel ships tomorrow from the Café Zürich depot.' }] },
            ]),
          },
        });
        // OpenInference flattens messages into one attribute per field.
        agent = buildTrace(2, { name: 'agent.run', service: 'support-bot', startMs: 2000 });
        agent[1] = {
          ...(agent[1] as Span),
          name: 'ChatCompletion',
          attributes: attrs({
            'openinference.span.kind': 'LLM',
            'llm.model_name': 'gpt-4o-mini',
            'llm.input_messages.0.message.role': 'user',
            'llm.input_messages.0.message.content': 'Translate "good morning" into Norwegian',
            'llm.output_messages.0.message.content': 'God morgen',
          }),
        };
        failing = buildTrace(2, { name: 'nightly.sync', service: 'worker', startMs: 3000 });
        failing[1] = {
          ...(failing[1] as Span),
          status: { code: StatusCode.ERROR, message: 'upstream timeout after 30s' },
          events: [
            {
              timeUnixNano: T0 + 3001n * MS,
              name: 'exception',
              attributes: attrs({ 'exception.type': 'TimeoutError', 'exception.message': 'socket hang up' }),
              droppedAttributesCount: 0,
            },
          ],
        };
        await write([...checkout, chat, ...agent, ...failing]);
      });
      const t = (spans: Span | Span[]) => (Array.isArray(spans) ? (spans[0] as Span) : spans).traceId;

      it('finds words of span names, ignoring case', async () => {
        expect(await traces('payment')).toEqual([t(checkout)]);
        expect(await traces('PAYMENT Authorize')).toEqual([t(checkout)]);
        expect(await traces('checkout')).toEqual([t(checkout)]);
      });

      it('finds words of string attribute values, not of keys or numbers', async () => {
        expect(await traces('orders')).toEqual([t(checkout)]);
        expect(await traces('statement')).toEqual([]);
        expect(await traces('402')).toEqual([]);
        expect(await traces('true')).toEqual([]);
      });

      it('finds the text of JSON messages (gen_ai.input.messages, gen_ai.output.messages), not their keys', async () => {
        expect(await traces('parcel')).toEqual([t(chat)]);
        expect(await traces('ships tomorrow')).toEqual([t(chat)]);
        expect(await traces('assistant')).toEqual([t(chat)]);
        expect(await traces('parts')).toEqual([]);
        expect(await traces('content')).toEqual([]);
      });

      it('finds the text of OpenInference message attributes', async () => {
        expect(await traces('norwegian')).toEqual([t(agent)]);
        expect(await traces('god morgen')).toEqual([t(agent)]);
      });

      it('finds status messages and event attributes', async () => {
        expect(await traces('timeout')).toEqual([t(failing)]);
        expect(await traces('socket hang')).toEqual([t(failing)]);
        expect(await traces('TimeoutError')).toEqual([t(failing)]);
      });

      it('needs every word, in any order, on one span', async () => {
        expect(await traces('tomorrow parcel')).toEqual([t(chat)]);
        expect(await traces('parcel norwegian')).toEqual([]);
        // Both words are in the trace, on different spans.
        expect(await traces('agent norwegian')).toEqual([]);
        expect(await traces('run agent')).toEqual([t(agent)]);
      });

      it('matches whole words, ignoring diacritics; punctuation and quotes only separate words', async () => {
        expect(await traces('cafe zurich')).toEqual([t(chat)]);
        expect(await traces('"CAFÉ"')).toEqual([t(chat)]);
        expect(await traces('parcels')).toEqual([]);
        expect(await traces('parc')).toEqual([]);
        expect(await traces('gpt-4o-mini')).toEqual([t(agent), t(chat)]);
        expect(await traces('"good morning" (translate)')).toEqual([t(agent)]);
        expect(await traces('payment.authorize')).toEqual([t(checkout)]);
      });

      it('finds nothing for unknown words, or text without words', async () => {
        expect(await traces('kangaroo')).toEqual([]);
        expect(await traces('parcel kangaroo')).toEqual([]);
        expect(await traces('?! *')).toEqual([]);
      });

      it('combines with the other conditions, span-level ones on the same span', async () => {
        expect(await traces('parcel', { service: 'support-bot' })).toEqual([t(chat)]);
        expect(await traces('parcel', { service: 'shop' })).toEqual([]);
        expect(await traces('timeout', { status: 'error' })).toEqual([t(failing)]);
        // The error is on the span that says "timeout"; the root says "nightly".
        expect(await traces('nightly', { status: 'error' })).toEqual([]);
        expect(await traces('norwegian', { spanName: 'ChatCompletion' })).toEqual([t(agent)]);
        expect(await traces('norwegian', { spanName: 'agent.run' })).toEqual([]);
        expect(await traces('morgen', { attributes: [{ target: 'span', key: 'llm.model_name', op: 'eq', value: 'gpt-4o-mini' }] })).toEqual(
          [t(agent)],
        );
        expect(await traces('orders', { startFrom: T0 + 500n * MS })).toEqual([]);
        expect(await traces('orders', { startTo: T0 + 500n * MS })).toEqual([t(checkout)]);
        expect(await traces('run', { minDurationNs: 1000n * MS })).toEqual([]);
      });

      it('keeps projects apart', async () => {
        const other = buildSpan({ name: 'parcel.lookup', startMs: 5000 });
        await write([other], 'other');
        expect(await traces('parcel')).toEqual([t(chat)]);
        expect(await traces('parcel', { project: 'other' })).toEqual([other.traceId]);
        expect(await traces('norwegian', { project: 'other' })).toEqual([]);
        expect(await traces('parcel', { project: 'nobody' })).toEqual([]);
      });

      it('finds the spans of one trace that hold the words, and none of another trace or project', async () => {
        const within = (traceId: string, text: string, project = 'default') =>
          getStore().reader.findSpansInTrace({ project, traceId, text });
        const ids = (spans: Span[]) => spans.map((s) => s.spanId).sort();
        expect(await within(t(checkout), 'orders')).toEqual(ids([checkout[1] as Span]));
        // Typed as you go: the last word may be the start of one (three characters or more), until a space ends it.
        expect(await within(t(checkout), 'ord')).toEqual(ids([checkout[1] as Span]));
        expect(await within(t(checkout), 'SELECT ord')).toEqual(ids([checkout[1] as Span]));
        expect(await within(t(checkout), 'ord ')).toEqual([]);
        expect(await within(t(checkout), 'or')).toEqual([]);
        expect(await within(t(checkout), 'sel ord')).toEqual([]);
        expect(await within(t(failing), 'socket hang')).toEqual(ids([failing[1] as Span]));
        expect(((await within(t(agent), 'run agent')) ?? []).sort()).toEqual(ids([agent[0] as Span]));
        // In spans of another trace only.
        expect(await within(t(checkout), 'parcel')).toEqual([]);
        expect(await within(t(chat), '?!')).toEqual([]);
        expect(await within(t(chat), 'parcel', 'other')).toBeNull();
        expect(await within('0123456789abcdef0123456789abcdef', 'parcel')).toBeNull();
        // A trace that grows: spans written later are found too.
        const late = buildSpan({ traceId: t(checkout), parentSpanId: (checkout[0] as Span).spanId, name: 'refund.orders', startMs: 600 });
        await write([late]);
        expect(((await within(t(checkout), 'orders')) ?? []).sort()).toEqual(ids([checkout[1] as Span, late]));
        // A span sent again is stored once and takes no place of its own: the spans after it are still found.
        const later = buildSpan({ traceId: t(checkout), parentSpanId: (checkout[0] as Span).spanId, name: 'orders.audit', startMs: 700 });
        await write([checkout[1] as Span, later]);
        expect(((await within(t(checkout), 'orders')) ?? []).sort()).toEqual(ids([checkout[1] as Span, late, later]));
        expect(await within(t(checkout), 'audit')).toEqual([later.spanId]);
      });
    });

    it('pages through matching traces with limit and cursor, in any order', async () => {
      const spans = Array.from({ length: 23 }, (_, i) =>
        buildTrace(1 + (i % 3), { name: i % 2 ? 'refund request' : 'order status', startMs: i * 10 }),
      ).flat();
      await write(spans);
      for (const orderBy of [
        { field: 'start_time', direction: 'desc' },
        { field: 'span_count', direction: 'asc' },
      ] as const) {
        const all = await traces('refund', { orderBy });
        expect(all).toHaveLength(11);
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await getStore().reader.findTraces({ project: 'default', text: 'refund', limit: 4, cursor, orderBy });
          seen.push(...page.items.map((p) => p.traceId));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(seen).toEqual(all);
      }
    });

    it('keeps what lies beyond the cap of a value out of the search, and the newest messages in', async () => {
      const filler = 'lorem '.repeat(Math.ceil(SEARCH_VALUE_CHARS / 6));
      const long = buildSpan({ name: 'long', attributes: { note: `${filler} needle`, head: 'haystack' } });
      const history = JSON.stringify([
        { role: 'system', content: `${filler} oldest` },
        { role: 'user', content: 'latest question' },
      ]);
      const chat = buildSpan({ name: 'chat', attributes: { 'gen_ai.input.messages': history }, startMs: 10 });
      await write([long, chat]);
      expect(await traces('haystack')).toEqual([long.traceId]);
      expect(await traces('lorem')).toEqual([chat.traceId, long.traceId]);
      expect(await traces('needle')).toEqual([]);
      expect(await traces('latest question')).toEqual([chat.traceId]);
      expect(await traces('oldest')).toEqual([]);
    });

    describe('over LLM calls', () => {
      let spans: Span[];
      beforeEach(async () => {
        const root = buildSpan({ name: 'agent.run', startMs: 0, durationMs: 5000 });
        const call = (i: number, model: string, prompt: string, answer: string, extra: Record<string, AnyValue> = {}) =>
          llmSpan({
            traceId: root.traceId,
            parentSpanId: root.spanId,
            startMs: 10 * (i + 1),
            model,
            input: 10,
            output: 5,
            extra: {
              'gen_ai.input.messages': messages('user', prompt),
              'gen_ai.output.messages': messages('assistant', answer),
              ...extra,
            },
          });
        spans = [
          root,
          call(0, 'gpt-4o', 'Summarize the refund policy', 'Refunds are issued within 14 days.'),
          call(1, 'gpt-4o-mini', 'Is a refund possible after 30 days?', 'No, the refund window is 14 days.'),
          call(2, 'gpt-4o', 'Write a haiku about autumn', 'Leaves fall, quiet light.'),
          call(3, 'claude-sonnet-4-5', 'What is the refund window?', 'Fourteen days.'),
          buildSpan({ traceId: root.traceId, parentSpanId: root.spanId, name: 'refund.lookup', startMs: 60 }),
        ];
        await write(spans);
      });
      const id = (i: number) => (spans[i] as Span).spanId;
      const asc = { orderBy: { field: 'timestamp', direction: 'asc' } } as const;

      it('finds calls by the words of their prompts and completions', async () => {
        expect(await calls('refund', asc)).toEqual([id(1), id(2), id(4)]);
        expect(await calls('autumn')).toEqual([id(3)]);
        expect(await calls('quiet light')).toEqual([id(3)]);
        expect(await calls('refund 14', asc)).toEqual([id(1), id(2)]);
        expect(await calls('refunds')).toEqual([id(1)]);
        expect(await calls('penguin')).toEqual([]);
        expect(await calls('lookup')).toEqual([]);
      });

      it('combines with the call filters, and pages with limit and cursor', async () => {
        expect(await calls('refund', { model: 'gpt-4o', ...asc })).toEqual([id(1)]);
        expect(await calls('refund', { provider: 'anthropic' })).toEqual([]);
        expect(await calls('refund', { from: T0 + 15n * MS, ...asc })).toEqual([id(2), id(4)]);
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await getStore().calls.findCalls({ project: 'default', text: 'refund', limit: 2, cursor });
          seen.push(...page.items.map((c) => c.spanId));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(seen).toEqual([id(4), id(2), id(1)]);
      });

      it('keeps projects apart', async () => {
        expect(await calls('refund', { project: 'other' })).toEqual([]);
        const other = llmSpan({ extra: { 'gen_ai.input.messages': messages('user', 'refund please') } });
        await write([other], 'other');
        expect(await calls('refund', { project: 'other' })).toEqual([other.spanId]);
        expect(await calls('please')).toEqual([]);
      });
    });
  });
}
