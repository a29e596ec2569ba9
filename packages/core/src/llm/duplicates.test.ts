import { type Span as OtelSpan, SpanKind } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { recordSpans } from '../../../../testing/sdk-spans.js';
import type { Span } from '../model/span.js';
import { type CallRole, callRole, streamEndDurationMs } from './call-role.js';
import { type CallLink, findDuplicates } from './duplicates.js';
import { normalizeSpan } from './normalize.js';

const call = (
  spanId: string,
  vocabulary: string,
  model: string | null,
  inputTokens: number | null = 10,
  requestId: string | null = null,
): CallLink => ({
  spanId,
  vocabulary,
  model,
  requestModel: null,
  inputTokens,
  requestId,
  timestamp: 0n,
  durationMs: 1000,
});

describe('duplicate calls', () => {
  it('counts a gateway call under the app’s call once, keeping the app’s', () => {
    const parents = new Map([
      ['app', 'root'],
      ['http', 'app'],
      ['gw', 'http'],
      ['root', null],
    ]);
    expect(findDuplicates([call('app', 'otel-genai', 'gpt-4o'), call('gw', 'plano', 'gpt-4o-2024-08-06')], parents)).toEqual(
      new Map([['gw', 'app']]),
    );
  });

  it('keeps the one with token counts when the outer has none', () => {
    const parents = new Map([
      ['outer', null],
      ['inner', 'outer'],
    ]);
    expect(
      findDuplicates([call('outer', 'openinference', 'gpt-4o-mini', null), call('inner', 'otel-genai', 'gpt-4o-mini', 25)], parents),
    ).toEqual(new Map([['outer', 'inner']]));
  });

  it('leaves sibling calls and nested calls of other models alone', () => {
    const parents = new Map([
      ['root', null],
      ['a', 'root'],
      ['b', 'root'],
      ['c', 'a'],
    ]);
    expect(
      findDuplicates(
        [call('a', 'otel-genai', 'gpt-4o'), call('b', 'otel-genai', 'gpt-4o'), call('c', 'otel-genai', 'claude-sonnet-4-5')],
        parents,
      ).size,
    ).toBe(0);
  });

  it('matches nested calls by response id when their model names differ', () => {
    const parents = new Map([
      ['agent', null],
      ['llm', 'agent'],
    ]);
    const calls = [
      call('agent', 'openinference', 'azure-deployment-1', 12, 'chatcmpl-1'),
      call('llm', 'otel-genai', 'gpt-4o', 12, 'chatcmpl-1'),
    ];
    expect(findDuplicates(calls, parents)).toEqual(new Map([['llm', 'agent']]));
    const other = [
      call('agent', 'openinference', 'azure-deployment-1', 12, 'chatcmpl-1'),
      call('llm', 'otel-genai', 'gpt-4o', 12, 'chatcmpl-2'),
    ];
    expect(findDuplicates(other, parents).size).toBe(0);
  });

  it('follows chains to the call that counts, and survives cycles', () => {
    const parents = new Map([
      ['a', null],
      ['b', 'a'],
      ['c', 'b'],
    ]);
    expect(findDuplicates([call('a', 'otel-genai', 'm'), call('b', 'openllmetry', 'm'), call('c', 'racto', 'm')], parents)).toEqual(
      new Map([
        ['b', 'a'],
        ['c', 'a'],
      ]),
    );
    const cyclic = new Map([
      ['x', 'y'],
      ['y', 'x'],
    ]);
    expect(() => findDuplicates([call('x', 'otel-genai', 'm')], cyclic)).not.toThrow();
  });
});

const MS = 1_000_000n;
const timed = (
  spanId: string,
  role: CallRole | null,
  startMs: number,
  durationMs: number,
  model = 'gpt-4o-mini',
  inputTokens: number | null = 10,
): CallLink => ({ ...call(spanId, 'openinference', model, inputTokens), role, timestamp: BigInt(startMs) * MS, durationMs });

describe('duplicate calls side by side', () => {
  const underChain = (...ids: string[]) =>
    new Map<string, string | null>([['chain', null], ...ids.map((id) => [id, 'chain'] as [string, string])]);

  it('counts a framework’s and a client’s overlapping records of one model once, keeping the framework’s', () => {
    const calls = [timed('langchain', 'framework', 10, 2000), timed('openai', 'client', 15, 1900)];
    expect(findDuplicates(calls, underChain('langchain', 'openai'))).toEqual(new Map([['openai', 'langchain']]));
    // Only the client's has token counts: it counts.
    const noTokens = [timed('langchain', 'framework', 10, 2000, 'gpt-4o-mini', null), timed('openai', 'client', 15, 1900)];
    expect(findDuplicates(noTokens, underChain('langchain', 'openai'))).toEqual(new Map([['langchain', 'openai']]));
  });

  it('leaves apart records that do not overlap, name other models, or have no known role', () => {
    const parents = underChain('f', 'c');
    expect(findDuplicates([timed('f', 'framework', 0, 100), timed('c', 'client', 200, 100)], parents).size).toBe(0);
    expect(findDuplicates([timed('f', 'framework', 0, 100), timed('c', 'client', 10, 50, 'claude-sonnet-4-5')], parents).size).toBe(0);
    expect(findDuplicates([timed('f', null, 0, 100), timed('c', 'client', 10, 50)], parents).size).toBe(0);
  });

  it('does not merge two client calls of one model made in parallel', () => {
    const calls = [timed('a', 'client', 0, 1000), timed('b', 'client', 5, 1200)];
    expect(findDuplicates(calls, underChain('a', 'b')).size).toBe(0);
  });

  it('pairs each framework record with its own client record when calls run in parallel, in any order', () => {
    const calls = [
      timed('f1', 'framework', 0, 1000),
      timed('f2', 'framework', 2, 1500),
      timed('c1', 'client', 3, 990),
      timed('c2', 'client', 5, 1490),
    ];
    const want = new Map([
      ['c1', 'f1'],
      ['c2', 'f2'],
    ]);
    const parents = underChain('f1', 'f2', 'c1', 'c2');
    expect(findDuplicates(calls, parents)).toEqual(want);
    expect(findDuplicates([...calls].reverse(), parents)).toEqual(want);
  });

  it('does not take a client call made beside a framework call that already has its own nested client record', () => {
    const parents = new Map<string, string | null>([
      ['chain', null],
      ['f', 'chain'],
      ['nested', 'f'],
      ['beside', 'chain'],
    ]);
    const calls = [timed('f', 'framework', 0, 1000), timed('nested', 'client', 5, 990), timed('beside', 'client', 10, 900)];
    expect(findDuplicates(calls, parents)).toEqual(new Map([['nested', 'f']]));
  });

  it('does not merge a framework record with a client call under it through another call', () => {
    // An agent's gpt-4o call; a tool under it calls claude, which calls gpt-4o: three calls.
    const parents = new Map<string, string | null>([
      ['agent', null],
      ['tool', 'agent'],
      ['inner', 'tool'],
    ]);
    const calls = [
      timed('agent', 'framework', 0, 5000, 'gpt-4o'),
      timed('tool', 'client', 10, 3000, 'claude-sonnet-4-5'),
      timed('inner', 'client', 20, 1000, 'gpt-4o'),
    ];
    expect(findDuplicates(calls, parents).size).toBe(0);
  });

  it('counts Logfire’s streamed-response record and its request span once, keeping the record', () => {
    const request = timed('request', 'client', 0, 300, 'gpt-4o', null);
    // Sent when the stream ended, 2.3 s after it began.
    const record: CallLink = { ...timed('record', 'stream-end', 2600, 2300, 'gpt-4o', null) };
    const parents = new Map<string, string | null>([
      ['app', null],
      ['request', 'app'],
      ['record', 'app'],
    ]);
    expect(findDuplicates([request, record], parents)).toEqual(new Map([['request', 'record']]));
    expect(findDuplicates([record, request], parents)).toEqual(new Map([['request', 'record']]));
    // Two streams of one model, one after the other: each record takes its own request.
    const second = timed('request2', 'client', 3000, 200, 'gpt-4o', null);
    const secondRecord = timed('record2', 'stream-end', 4000, 800, 'gpt-4o', null);
    parents.set('request2', 'app').set('record2', 'app');
    expect(findDuplicates([secondRecord, record, second, request], parents)).toEqual(
      new Map([
        ['request', 'record'],
        ['request2', 'record2'],
      ]),
    );
  });
});

/** A call as ingest reads it, with the role and stream duration its span gives (see call-role.ts). */
function linkOf(span: Span): CallLink & { spanId: string; outputTokens: number | null; durationMs: number } {
  const c = normalizeSpan(span, { content: false });
  if (!c) throw new Error(`not a call: ${span.name}`);
  return { ...c, role: callRole(span), durationMs: streamEndDurationMs(span) ?? c.durationMs };
}

const parentsOf = (spans: readonly Span[]) => new Map(spans.map((s) => [s.spanId, s.parentSpanId]));

/** Input tokens of the calls that count. */
function countedInput(calls: readonly (CallLink & { spanId: string })[], duplicates: Map<string, string>): number {
  return calls.filter((c) => !duplicates.has(c.spanId)).reduce((sum, c) => sum + (c.inputTokens ?? 0), 0);
}

describe('duplicate calls as real instrumentations record them', () => {
  const T = Date.UTC(2026, 0, 5, 9);
  const langchainLlm = {
    'openinference.span.kind': 'LLM',
    'llm.system': 'openai',
    'llm.provider': 'openai',
    'llm.model_name': 'gpt-4o-mini-2024-07-18',
    'llm.invocation_parameters': JSON.stringify({
      model: 'gpt-4o-mini',
      model_name: 'gpt-4o-mini',
      stream: false,
      n: 1,
      temperature: 0.7,
      _type: 'openai-chat',
    }),
    'llm.input_messages.0.message.role': 'user',
    'llm.input_messages.0.message.content': 'Hi',
    'llm.output_messages.0.message.role': 'assistant',
    'llm.output_messages.0.message.content': 'Hello!',
    'llm.token_count.prompt': 120,
    'llm.token_count.completion': 8,
    'llm.token_count.total': 128,
    metadata: JSON.stringify({ ls_provider: 'openai', ls_model_name: 'gpt-4o-mini', ls_model_type: 'chat', ls_temperature: 0.7 }),
  };
  const openaiLlm = {
    'openinference.span.kind': 'LLM',
    'llm.system': 'openai',
    'llm.provider': 'openai',
    'llm.model_name': 'gpt-4o-mini-2024-07-18',
    'llm.invocation_parameters': JSON.stringify({ model: 'gpt-4o-mini', temperature: 0.7, n: 1, stream: false }),
    'input.mime_type': 'application/json',
    'llm.input_messages.0.message.role': 'user',
    'llm.input_messages.0.message.content': 'Hi',
    'llm.output_messages.0.message.role': 'assistant',
    'llm.output_messages.0.message.content': 'Hello!',
    'llm.token_count.prompt': 120,
    'llm.token_count.completion': 8,
    'llm.token_count.total': 128,
  };

  /** LangChain's chain and LLM spans, and the openai instrumentor's spans beside them under the chain. */
  async function langchainOverOpenAi(clientStarts: number[]): Promise<{ chain: Span; llm: Span; clients: Span[] }> {
    let chainSpan: OtelSpan | undefined;
    const framework = await recordSpans(
      (_t, h) => {
        chainSpan = h.span(
          'RunnableSequence',
          { 'openinference.span.kind': 'CHAIN' },
          { kind: SpanKind.INTERNAL, startMs: T, durationMs: 3000 },
        );
        h.span('ChatOpenAI', langchainLlm, { kind: SpanKind.INTERNAL, parent: chainSpan, startMs: T + 10, durationMs: 2000 });
      },
      { scope: 'openinference.instrumentation.langchain' },
    );
    const clients = await recordSpans(
      (_t, h) => {
        for (const start of clientStarts)
          h.span('ChatCompletion', openaiLlm, { kind: SpanKind.INTERNAL, parent: chainSpan, startMs: T + start, durationMs: 1900 });
      },
      { scope: 'openinference.instrumentation.openai' },
    );
    const [chain, llm] = framework as [Span, Span];
    return { chain, llm, clients };
  }

  it('counts LangChain’s LLM span and the openai instrumentor’s span beside it once', async () => {
    const { chain, llm, clients } = await langchainOverOpenAi([15]);
    const [client] = clients as [Span];
    expect(client.parentSpanId).toBe(chain.spanId);
    expect(llm.parentSpanId).toBe(chain.spanId);
    const calls = [linkOf(llm), linkOf(client)];
    expect(calls.map((c) => c.role)).toEqual(['framework', 'client']);
    const duplicates = findDuplicates(calls, parentsOf([chain, llm, client]));
    // As when the client span is nested under LangChain's: LangChain's (the outer one) counts.
    expect(duplicates).toEqual(new Map([[client.spanId, llm.spanId]]));
    expect(countedInput(calls, duplicates)).toBe(120);
    // The same decision from either order, and from the spans arriving one by one.
    expect(findDuplicates([...calls].reverse(), parentsOf([client, chain, llm]))).toEqual(duplicates);
  });

  it('does not merge two openai calls of one model made in parallel, both client spans', async () => {
    const parents = await recordSpans(
      async (_t, h) => {
        const agent = h.span('agent', {}, { kind: SpanKind.INTERNAL, startMs: T, durationMs: 3000 });
        h.span('ChatCompletion', openaiLlm, { kind: SpanKind.INTERNAL, parent: agent, startMs: T + 10, durationMs: 1500 });
        h.span('ChatCompletion', openaiLlm, { kind: SpanKind.INTERNAL, parent: agent, startMs: T + 12, durationMs: 1400 });
      },
      { scope: 'openinference.instrumentation.openai' },
    );
    const calls = parents.slice(1).map(linkOf);
    expect(calls.map((c) => c.role)).toEqual(['client', 'client']);
    const duplicates = findDuplicates(calls, parentsOf(parents));
    expect(duplicates.size).toBe(0);
    expect(countedInput(calls, duplicates)).toBe(240);
  });

  it('counts Logfire’s streamed-response record and its request span once, with the stream’s duration', async () => {
    const requestData = JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }], model: 'gpt-4o', stream: true });
    const genAi = {
      request_data: requestData,
      'gen_ai.provider.name': 'openai',
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }]),
      async: false,
      'logfire.tags': ['LLM'],
    };
    const streamTemplate = 'streaming response from {request_data[model]!r} took {duration:.2f}s';
    const spans = await recordSpans(
      async (_t, h) => {
        const app = h.span('handle question', { 'logfire.span_type': 'span' }, { kind: SpanKind.INTERNAL, startMs: T, durationMs: 5000 });
        // The request span ends when the stream opens; the record is a log sent when it ends,
        // beside the request span (Logfire keeps the context from before the request span).
        h.span(
          'Chat Completion with {request_data[model]!r}',
          {
            ...genAi,
            'logfire.msg_template': 'Chat Completion with {request_data[model]!r}',
            'logfire.msg': "Chat Completion with 'gpt-4o'",
            'logfire.span_type': 'span',
            'gen_ai.response.model': 'gpt-4o-2024-08-06',
          },
          { kind: SpanKind.INTERNAL, parent: app, startMs: T + 100, durationMs: 400 },
        );
        h.span(
          streamTemplate,
          {
            ...genAi,
            'logfire.span_type': 'log',
            'logfire.level_num': 9,
            'logfire.msg_template': streamTemplate,
            'logfire.msg': "streaming response from 'gpt-4o' took 2.35s",
            duration: 2.35,
            response_data: JSON.stringify({ message: { role: 'assistant', content: 'Hello!' }, usage: null }),
            'gen_ai.response.model': 'gpt-4o-2024-08-06',
          },
          { kind: SpanKind.INTERNAL, parent: app, startMs: T + 2900, durationMs: 0 },
        );
      },
      { scope: 'logfire.openai' },
    );
    const [app, request, record] = spans as [Span, Span, Span];
    expect(record.startTimeUnixNano).toBe(record.endTimeUnixNano);
    const calls = [linkOf(request), linkOf(record)];
    expect(calls.map((c) => c.role)).toEqual(['client', 'stream-end']);
    const duplicates = findDuplicates(calls, parentsOf([app, request, record]));
    expect(duplicates).toEqual(new Map([[request.spanId, record.spanId]]));
    const counted = calls.filter((c) => !duplicates.has(c.spanId));
    expect(counted).toHaveLength(1);
    expect(counted[0]?.durationMs).toBeCloseTo(2350, 6);
  });
});
