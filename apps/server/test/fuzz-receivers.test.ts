import * as grpc from '@grpc/grpc-js';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pick } from '../../../testing/fuzz-choice.js';
import { type SeedBodies, seedBodies } from '../../../testing/fuzz-seed-bodies.js';
import { mutateJsonBody } from '../../../testing/json-mutations.js';
import { type MutatedBody, mutateProtoBody } from '../../../testing/proto-mutations.js';
import { seededRandom } from '../../../testing/random.js';
import { referenceSpans } from '../../../testing/reference-spans.js';
import type { Logger } from '../src/log.js';
import { LOGS_SERVICE, TRACE_SERVICE } from '../src/otlp/otlp-grpc.js';
import { postTraces } from './support/fixtures.js';
import { type Answer, postBody, RawGrpcExporter } from './support/fuzz-send.js';
import { getJson, startTestServer, type TestServer } from './support/test-server.js';

/**
 * A bounded fuzz of every receiver, against one real server and SQLite file: structure-aware
 * mutations of real OTLP bodies (see testing/proto-mutations.ts, testing/json-mutations.ts),
 * protobuf and JSON, over OTLP/HTTP on both ports and OTLP/gRPC, plus the import and Llama
 * Stack endpoints. Every request must be answered in time with a client error or success —
 * never a 5xx but back-pressure, never an error in the server log — and the server must be
 * whole afterwards. Case `i` of a target uses seed `target.seed * 100_000 + i` alone, so a
 * failure names what to replay.
 */

/**
 * Bodies per target: some 10 s for the whole file on 2 cores. SIGHTLINE_FUZZ_CASES runs more
 * (the first cases are the same ones), for a longer hunt by hand.
 */
const CASES = Number(process.env.SIGHTLINE_FUZZ_CASES ?? 160);
/** Cases sent all together, a few at a time, across every target; seeds `CONCURRENT_SEED * 100_000 + i`. */
const CONCURRENT_CASES = Math.max(CASES, 240);
const CONCURRENT_SEED = 100;
const IN_FLIGHT = 8;
const TIMEOUT_MS = 15_000;
const OK_HTTP = new Set([200, 400, 413, 415]);
const OK_GRPC = new Set([grpc.status.OK, grpc.status.INVALID_ARGUMENT, grpc.status.RESOURCE_EXHAUSTED, grpc.status.UNAVAILABLE]);

interface Target {
  readonly name: string;
  readonly mutate: (bodies: SeedBodies, rand: () => number) => MutatedBody;
  /** Case `i` of this target is replayed from seed `seed * 100_000 + i`. */
  readonly seed: number;
  /** Sends a body; `rand` may choose how (gzip, which client). */
  readonly send: (body: Uint8Array, rand: () => number) => Promise<{ via: string; answer: Answer }>;
}

const errors: string[] = [];
/** Indexes into `errors` already reported against a case. */
const reported = new Set<number>();
const recordingLogger: Logger = {
  info() {},
  warn() {},
  error: (message, err) => errors.push(err instanceof Error ? `${message}: ${err.stack ?? err.message}` : message),
};

let sl: TestServer;
let bodies: SeedBodies;
const grpcClients: RawGrpcExporter[] = [];
beforeAll(async () => {
  // A small body budget, so bodies sent together meet back-pressure; one at a time never does.
  sl = await startTestServer({ logger: recordingLogger, maxBodyBytesInFlight: 1536 * 1024 });
  bodies = seedBodies();
});
afterAll(async () => {
  for (const c of grpcClients) c.close();
  await sl.stop();
});

const proto = (pickBase: (b: SeedBodies) => readonly Uint8Array[], root: string) => (b: SeedBodies, rand: () => number) =>
  mutateProtoBody(pick(rand, pickBase(b)), root, rand);
const json = (pickBase: (b: SeedBodies) => readonly string[]) => (b: SeedBodies, rand: () => number) =>
  mutateJsonBody(pick(rand, pickBase(b)), rand);

/** POST on the main port (`api`) or the OTLP-only one (`otlpHttp`); a quarter of the bodies gzipped. */
function http(port: 'api' | 'otlpHttp', path: string, contentType: string): Target['send'] {
  return async (body, rand) => {
    const gzip = rand() < 0.25;
    const url = `${sl[port]}${path}`;
    return {
      via: `POST ${path} on the ${port === 'api' ? 'main' : 'OTLP'} port${gzip ? ', gzip' : ''}`,
      answer: await postBody(url, contentType, body, gzip, TIMEOUT_MS),
    };
  };
}

/** OTLP/gRPC; half the calls from a client that gzips its messages. */
function grpcSend(service: grpc.ServiceDefinition, name: string): Target['send'] {
  let clients: [RawGrpcExporter, RawGrpcExporter] | null = null;
  return async (body, rand) => {
    if (clients === null) {
      clients = [new RawGrpcExporter(service, sl.grpc, false), new RawGrpcExporter(service, sl.grpc, true)];
      grpcClients.push(...clients);
    }
    const gzip = rand() < 0.5;
    return { via: `gRPC ${name}${gzip ? ', gzip' : ''}`, answer: await clients[gzip ? 1 : 0].export(body, TIMEOUT_MS) };
  };
}

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';
const SIGNALS = [
  {
    signal: 'traces',
    root: 'TracesRequest',
    proto: (b: SeedBodies) => b.tracesProto,
    json: (b: SeedBodies) => b.tracesJson,
    service: TRACE_SERVICE,
  },
  {
    signal: 'logs',
    root: 'LogsRequest',
    proto: (b: SeedBodies) => b.logsProto,
    json: (b: SeedBodies) => b.logsJson,
    service: LOGS_SERVICE,
  },
] as const;

/** Every receiver: each signal × encoding × OTLP/HTTP port, each signal over gRPC, import and log-event. */
const TARGETS: readonly Target[] = [
  ...SIGNALS.flatMap(({ signal, root, proto: protoBases, json: jsonBases }) =>
    (['api', 'otlpHttp'] as const).flatMap((port) => [
      {
        name: `${signal} protobuf, ${port === 'api' ? 'main' : 'OTLP'} port`,
        mutate: proto(protoBases, root),
        send: http(port, `/v1/${signal}`, PROTOBUF),
      },
      {
        name: `${signal} JSON, ${port === 'api' ? 'main' : 'OTLP'} port`,
        mutate: json(jsonBases),
        send: http(port, `/v1/${signal}`, JSON_TYPE),
      },
    ]),
  ),
  ...SIGNALS.map(({ signal, root, proto: protoBases, service }) => ({
    name: `${signal} gRPC`,
    mutate: proto(protoBases, root),
    send: grpcSend(service, `${signal} Export`),
  })),
  { name: 'import', mutate: json((b) => b.importDocs), send: http('api', '/api/import', JSON_TYPE) },
  { name: 'Llama Stack log-event', mutate: json((b) => b.llamaEvents), send: http('api', '/v1/telemetry/log-event', JSON_TYPE) },
].map((t, i) => ({ ...t, seed: i + 1 }));

/** Why an answer is not acceptable, or null if it is. */
function problemWith(answer: Answer): string | null {
  if (answer.kind === 'none') return `no answer: ${answer.error}`;
  if (answer.kind === 'grpc') return OK_GRPC.has(answer.code) ? null : `gRPC ${grpc.status[answer.code]}: ${answer.details}`;
  if (OK_HTTP.has(answer.status)) return null;
  if (answer.status === 503 && answer.retryAfter !== null) return null;
  return `HTTP ${answer.status}${answer.status === 503 ? ' without Retry-After' : ''}: ${answer.body.slice(0, 300)}`;
}

const outcomeOf = (answer: Answer) =>
  answer.kind === 'http' ? String(answer.status) : answer.kind === 'grpc' ? grpc.status[answer.code] : 'none';

/**
 * Sends case `seed` of `target`; returns how it was answered and, if that is not acceptable,
 * a description to replay it by. Errors the server logs meanwhile count against the case
 * (exactly so when cases run one at a time).
 */
async function runCase(target: Target, seed: number): Promise<{ outcome: string; failure: string | null }> {
  const rand = seededRandom(seed);
  const { body, mutations } = target.mutate(bodies, rand);
  const logged = errors.length;
  const { via, answer } = await target.send(body, rand);
  const logs = errors.slice(logged).map((e, i) => {
    reported.add(logged + i);
    return `the server logged: ${e}`;
  });
  const problems = [problemWith(answer), ...logs].filter((p) => p !== null);
  const failure =
    problems.length === 0
      ? null
      : `${target.name}, seed ${seed} (${via}, ${body.length} bytes) [${mutations.join(' | ')}]: ${problems.join('\n')}`;
  return { outcome: outcomeOf(answer), failure };
}

describe('fuzzing the receivers with mutated real bodies', () => {
  for (const target of TARGETS) {
    it(`${target.name}: ${CASES} bodies, each answered in time with success or a client error`, { timeout: 120_000 }, async () => {
      const failures: string[] = [];
      const outcomes = new Map<string, number>();
      for (let i = 0; i < CASES; i++) {
        const { outcome, failure } = await runCase(target, target.seed * 100_000 + i);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        if (failure) failures.push(failure);
      }
      expect(failures).toEqual([]);
      // Not a fuzzer that only ever hits the front door: some bodies got through, some were refused.
      const seen = JSON.stringify(Object.fromEntries(outcomes));
      const accepted = (outcomes.get('200') ?? 0) + (outcomes.get('OK') ?? 0);
      expect(accepted, seen).toBeGreaterThan(0);
      expect(CASES - accepted, seen).toBeGreaterThan(0);
    });
  }

  it(`${CONCURRENT_CASES} bodies to every receiver at once, ${IN_FLIGHT} in flight: each answered in time, 503 only as back-pressure`, {
    timeout: 120_000,
  }, async () => {
    const failures: string[] = [];
    const outcomes = new Map<string, number>();
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < CONCURRENT_CASES; i = next++) {
        const { outcome, failure } = await runCase(TARGETS[i % TARGETS.length] as Target, CONCURRENT_SEED * 100_000 + i);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        if (failure) failures.push(failure);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    expect(failures.sort()).toEqual([]);
  });

  it('leaves the server whole: healthy, no writer restart, still storing and serving traces', async () => {
    const health = await getJson(sl.api, '/healthz');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    expect(health.body.ingest.writer_restarts).toBe(0);

    const spans = referenceSpans(5, 4242);
    const res = await postTraces(sl.otlpHttp, ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array);
    expect(res.status).toBe(200);
    const trace = await getJson(sl.api, `/api/traces/${spans[0]?.spanContext().traceId}`);
    expect(trace.status).toBe(200);
    expect(trace.body.spans).toHaveLength(5);

    const grpcSpans = referenceSpans(3, 4343);
    const client = new RawGrpcExporter(TRACE_SERVICE, sl.grpc, false);
    grpcClients.push(client);
    const answer = await client.export(ProtobufTraceSerializer.serializeRequest(grpcSpans) as Uint8Array, TIMEOUT_MS);
    expect(answer).toEqual({ kind: 'grpc', code: grpc.status.OK, details: '' });
    expect((await getJson(sl.api, `/api/traces/${grpcSpans[0]?.spanContext().traceId}`)).body.spans).toHaveLength(3);
    expect(errors.filter((_, i) => !reported.has(i))).toEqual([]);
  });
});
