import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startTestServer, type TestServer } from '../support/test-server.js';
import { lastJsonLine, pythonFrom, pythonScript, run } from './python-app.js';

const SCRIPT = pythonScript('llama_stack_calls.py');
const PYTHON = pythonFrom('SIGHTLINE_PYTHON_LLAMA', 'llama-stack-requirements.txt');

const DATASET = 'llama-client-evals';
const at = (s: number) => `2025-03-01T12:00:0${s}Z`;
/** A time as Sightline writes it (the client's models parse it into `at`'s form). */
const stored = (s: number) => `2025-03-01T12:00:0${s}.000000000Z`;

let sl: TestServer;
let got: Record<string, any>;
beforeAll(async () => {
  sl = await startTestServer();
  const { stdout } = await run(PYTHON, [SCRIPT, '--base-url', sl.api, '--dataset', DATASET], { timeout: 60_000 });
  got = lastJsonLine(stdout);
}, 90_000);
afterAll(() => sl?.stop());

describe('the official llama-stack-client package (0.2.12) against Sightline', () => {
  it('logs a turn with log_event and finds it with query_traces and get_trace', () => {
    const { ids } = got;
    const trace = { trace_id: ids.trace, root_span_id: ids.root, start_time: at(0), end_time: at(7) };
    expect(got.query_traces).toEqual([trace]);
    expect(got.query_traces_types).toEqual(['Trace']);
    expect(got.get_trace).toEqual(trace);
    expect(got.get_trace_type).toBe('Trace');
  });

  it('reads one span with all its attributes, and its events as Sightline stores them', async () => {
    // The inference span, with its prompt_tokens metric, is an LLM call in the turn's session.
    const calls = (await getJson(sl.api, `/api/llm-calls?session_id=${got.ids.session}`)).body.data;
    expect(calls).toMatchObject([{ span_id: got.ids.inference, vocabulary: 'llama-stack', model: 'llama-3.1-8b', input_tokens: 12 }]);
    const { ids } = got;
    expect(got.get_span_type).toBe('TelemetryGetSpanResponse');
    expect(got.get_span).toEqual({
      span_id: ids.inference,
      trace_id: ids.trace,
      parent_span_id: ids.root,
      name: 'inference',
      start_time: at(1),
      end_time: at(4),
      // sightline.session_id: the session of the agent turn the span was opened under.
      attributes: {
        model_id: 'llama-3.1-8b',
        temperature: 0.5,
        output: 'It is sunny.',
        output_tokens: 7,
        'sightline.session_id': ids.session,
      },
    });
    // The log and the metric became events of the open span.
    const { body } = await getJson(sl.api, `/api/traces/${ids.trace}`);
    const inference = body.spans.find((s: { span_id: string }) => s.span_id === ids.inference);
    expect(inference.events.map((e: { name: string }) => e.name)).toEqual(['unstructured_log', 'metric.prompt_tokens']);
    expect(inference.events[1].attributes).toEqual({ value: 12, unit: 'tokens' });
    expect(body.spans.find((s: { span_id: string }) => s.span_id === ids.tool).status.code).toBe('error');
  });

  it('gets span trees as maps of SpanWithStatus, to the depth asked', () => {
    const { ids } = got;
    expect(got.get_span_tree_types).toEqual(['SpanWithStatus']);
    expect(Object.keys(got.get_span_tree).sort()).toEqual([ids.root, ids.inference, ids.tool].sort());
    expect(got.get_span_tree[ids.root]).toEqual({
      span_id: ids.root,
      trace_id: ids.trace,
      parent_span_id: null,
      name: 'agent_turn',
      start_time: at(0),
      end_time: at(7),
      attributes: { model_id: null, output_tokens: null },
      status: 'ok',
    });
    expect(got.get_span_tree[ids.inference].attributes).toEqual({ model_id: 'llama-3.1-8b', output_tokens: 7 });
    expect(got.get_span_tree[ids.tool]).toMatchObject({ name: 'tool_call', parent_span_id: ids.root, status: 'error' });
    expect(got.get_span_tree_shallow).toEqual([ids.root]);
  });

  it('queries spans that have every attribute asked for, showing only those', () => {
    const { ids } = got;
    expect(got.query_spans).toEqual([
      {
        span_id: ids.inference,
        trace_id: ids.trace,
        parent_span_id: ids.root,
        name: 'inference',
        start_time: at(1),
        end_time: at(4),
        attributes: { model_id: 'llama-3.1-8b' },
      },
      {
        span_id: ids.tool,
        trace_id: ids.trace,
        parent_span_id: ids.root,
        name: 'tool_call',
        start_time: at(5),
        end_time: at(6),
        attributes: { model_id: 'none' },
      },
    ]);
    expect(got.query_spans_two_keys.map((s: { span_id: string }) => s.span_id)).toEqual([ids.inference]);
    expect(got.query_spans_two_keys[0].attributes).toEqual({ model_id: 'llama-3.1-8b', output: 'It is sunny.' });
  });

  it('saves spans to a dataset, read back as JSON lines', async () => {
    const { ids } = got;
    expect(got.save_spans_to_dataset).toBeNull();
    expect((await getJson(sl.api, '/api/datasets')).body).toEqual({ data: [{ name: DATASET, row_count: 1 }] });
    const res = await fetch(`${sl.api}/api/datasets/${DATASET}`);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const lines = (await res.text()).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        trace_id: ids.trace,
        span_id: ids.inference,
        parent_span_id: ids.root,
        name: 'inference',
        start_time: stored(1),
        end_time: stored(4),
        model_id: 'llama-3.1-8b',
        output: 'It is sunny.',
        output_tokens: 7,
      },
    ]);
  });

  it('gets 404 for unknown ids and 400 naming the field for malformed requests, as the client raises them', () => {
    const { errors } = got;
    expect(errors.unknown_trace).toMatchObject({ type: 'NotFoundError', status: 404, body: { error: { code: 'not_found' } } });
    expect(errors.unknown_span).toMatchObject({ type: 'NotFoundError', status: 404 });
    expect(errors.bad_span_id).toMatchObject({ type: 'BadRequestError', status: 400 });
    expect(errors.bad_span_id.body.error.message).toContain('path parameter "span_id"');
    expect(errors.bad_filter.body.error.message).toContain('attribute_filters[0].op');
    expect(errors.bad_event.body.error.message).toContain('event.value');
  });
});
