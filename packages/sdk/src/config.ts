import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Labels } from './labels.js';

/** Where spans go: OTLP over HTTP (protobuf or JSON) or gRPC, the console, memory, a JSON file, or an exporter of your own. */
export type ExporterName = 'otlp' | 'otlp-json' | 'otlp-grpc' | 'console' | 'memory' | 'file' | 'none';

export interface InitOptions {
  /** `service.name`; default `SIGHTLINE_SERVICE_NAME`, `OTEL_SERVICE_NAME`, else `unknown_service:node`. */
  serviceName?: string;
  /**
   * Where OTLP goes; default `SIGHTLINE_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`,
   * `OTEL_EXPORTER_OTLP_ENDPOINT`, else a local Sightline (`http://127.0.0.1:4318`, gRPC `:4317`).
   */
  endpoint?: string;
  /** Sent as `Authorization: Bearer <apiKey>`; default `SIGHTLINE_API_KEY`. */
  apiKey?: string;
  /** Extra headers on every export, over `OTEL_EXPORTER_OTLP_HEADERS`. */
  headers?: Record<string, string>;
  /**
   * Default `file` when `out` is given; else `SIGHTLINE_EXPORTER`; else `file` when
   * `SIGHTLINE_OUT` is set; else from `OTEL_EXPORTER_OTLP_PROTOCOL`; else `otlp` (HTTP, protobuf).
   */
  exporter?: ExporterName | SpanExporter;
  /**
   * Where the `file` exporter writes: a file, or a directory (ending in `/`, or existing) that
   * gets `<session-id>.json`; default `SIGHTLINE_OUT`, else the working directory.
   */
  out?: string;
  /** Record prompts, completions, tool arguments and function inputs/outputs; default `SIGHTLINE_CAPTURE_CONTENT`, else off. */
  captureContent?: boolean;
  /** Applied to every captured text before it leaves the process. */
  mask?: (text: string) => string;
  /** Labels on every span (merged over `SIGHTLINE_LABEL_<KEY>` variables). */
  labels?: Labels;
  /** Fraction of traces kept, 0–1; default `SIGHTLINE_SAMPLE_RATE`, else 1. Applies when the SDK owns the tracer provider. */
  sampleRate?: number;
  /** Patch the installed `openai`, `@anthropic-ai/sdk` and `@google/genai` modules; default true. */
  autoInstrument?: boolean;
  /**
   * How long one export (retries included), `flush()` or `shutdown()` may take before it gives up
   * with an error, in milliseconds; default `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`,
   * `OTEL_EXPORTER_OTLP_TIMEOUT`, else {@link DEFAULT_EXPORT_TIMEOUT_MS} (10 s).
   */
  exportTimeoutMs?: number;
}

/** The export timeout when none is configured: an unreachable collector delays exit by at most this. */
export const DEFAULT_EXPORT_TIMEOUT_MS = 10_000;

export interface ResolvedConfig {
  readonly serviceName: string;
  readonly exporter: ExporterName | SpanExporter;
  /** The file export's target, or null for the working directory. */
  readonly out: string | null;
  /** Full URL of the traces endpoint (HTTP), or the gRPC address. */
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly captureContent: boolean;
  readonly mask: ((text: string) => string) | null;
  readonly labels: Labels;
  readonly sampleRate: number;
  readonly autoInstrument: boolean;
  readonly exportTimeoutMs: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;
const EXPORTERS: readonly ExporterName[] = ['otlp', 'otlp-json', 'otlp-grpc', 'console', 'memory', 'file', 'none'];

/**
 * Options over environment over defaults; pure. An invalid export timeout in the environment
 * is passed to `warn` and the default used, as OpenTelemetry's own exporters do.
 */
export function resolveConfig(options: InitOptions, env: Env, warn: (message: string) => void = () => {}): ResolvedConfig {
  const out = options.out ?? (env.SIGHTLINE_OUT || undefined) ?? null;
  const exporter = options.exporter ?? (options.out !== undefined ? 'file' : exporterFromEnv(env));
  if (typeof exporter === 'string' && !EXPORTERS.includes(exporter))
    throw new ConfigError(`exporter "${exporter}" is not one of ${EXPORTERS.join(', ')} (or pass a SpanExporter)`);
  if (options.out !== undefined && exporter !== 'file')
    throw new ConfigError(`out names the file export's target, but the exporter is not 'file'; drop one of the two`);
  const grpc = exporter === 'otlp-grpc';
  const headers: Record<string, string> = { ...parseHeaders(env.OTEL_EXPORTER_OTLP_HEADERS ?? '') };
  const apiKey = options.apiKey ?? env.SIGHTLINE_API_KEY;
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  Object.assign(headers, options.headers ?? {});
  const sampleRate = options.sampleRate ?? numberFromEnv(env, 'SIGHTLINE_SAMPLE_RATE') ?? 1;
  if (!(sampleRate >= 0 && sampleRate <= 1)) throw new ConfigError(`sampleRate must be between 0 and 1, got ${sampleRate}`);
  return {
    serviceName: options.serviceName ?? env.SIGHTLINE_SERVICE_NAME ?? env.OTEL_SERVICE_NAME ?? 'unknown_service:node',
    exporter,
    out,
    url: tracesUrl(options.endpoint, env, grpc),
    headers,
    captureContent:
      options.captureContent ??
      booleanFromEnv(env, 'SIGHTLINE_CAPTURE_CONTENT') ??
      booleanFromEnv(env, 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT') ??
      false,
    mask: options.mask ?? null,
    labels: options.labels ?? {},
    sampleRate,
    autoInstrument: options.autoInstrument ?? true,
    exportTimeoutMs: exportTimeout(options.exportTimeoutMs, env, warn),
  };
}

function exportTimeout(option: number | undefined, env: Env, warn: (message: string) => void): number {
  if (option !== undefined) {
    if (!(Number.isFinite(option) && option > 0))
      throw new ConfigError(`exportTimeoutMs must be a positive number of milliseconds, got ${option}`);
    return option;
  }
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT']) {
    const v = env[name]?.trim();
    if (!v) continue;
    const n = Number(v);
    if (Number.isFinite(n) && n > 0) return n;
    warn(`${name} must be a positive number of milliseconds, got "${v}"; using ${DEFAULT_EXPORT_TIMEOUT_MS} ms`);
    return DEFAULT_EXPORT_TIMEOUT_MS;
  }
  return DEFAULT_EXPORT_TIMEOUT_MS;
}

function exporterFromEnv(env: Env): ExporterName {
  const named = env.SIGHTLINE_EXPORTER;
  if (named) return named as ExporterName;
  if (env.SIGHTLINE_OUT) return 'file';
  switch (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL) {
    case 'grpc':
      return 'otlp-grpc';
    case 'http/json':
      return 'otlp-json';
    default:
      return 'otlp';
  }
}

/** The traces URL: a base endpoint gets `/v1/traces` (HTTP); a traces endpoint is used as is. */
function tracesUrl(endpoint: string | undefined, env: Env, grpc: boolean): string {
  if (endpoint !== undefined) return grpc ? endpoint : withTracesPath(endpoint);
  if (env.SIGHTLINE_ENDPOINT) return grpc ? env.SIGHTLINE_ENDPOINT : withTracesPath(env.SIGHTLINE_ENDPOINT);
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) return grpc ? env.OTEL_EXPORTER_OTLP_ENDPOINT : withTracesPath(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  return grpc ? 'http://127.0.0.1:4317' : 'http://127.0.0.1:4318/v1/traces';
}

function withTracesPath(base: string): string {
  if (/\/v1\/traces\/?$/.test(base)) return base;
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

/** `k1=v1,k2=v2` (values URL-encoded), as OTEL_EXPORTER_OTLP_HEADERS gives them. */
export function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    out[part.slice(0, eq).trim().toLowerCase()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
}

function booleanFromEnv(env: Env, name: string): boolean | undefined {
  const v = env[name]?.trim().toLowerCase();
  if (v === undefined || v === '') return undefined;
  if (v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function numberFromEnv(env: Env, name: string): number | undefined {
  const v = env[name]?.trim();
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new ConfigError(`${name} must be a number, got "${v}"`);
  return n;
}
