import { context, type Tracer, type TracerProvider, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  ParentBasedSampler,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { autoInstrument } from './auto-instrument.js';
import { ConfigError, type InitOptions, type ResolvedConfig, resolveConfig } from './config.js';
import type { ContentPolicy } from './content.js';
import { asError } from './export-error.js';
import { exportPipeline } from './exporters.js';
import type { InstrumentContext } from './instrument/instrument-context.js';
import { Patches } from './instrument/patches.js';
import { checkLabels, LabelError, type Labels, labelsFromEnv, mergeLabels, SYSTEM_PREFIX } from './labels.js';
import type { MemoryExporter } from './memory-exporter.js';
import { reportOnce, warnOnce } from './safe.js';
import { SpanStamper } from './span-stamper.js';
import { systemLabels } from './system-labels.js';
import { SDK_VERSION } from './version.js';
import { withinTimeout } from './within-timeout.js';

/** What `init()` returns. */
export interface Sightline {
  readonly config: ResolvedConfig;
  /** The memory exporter (`exporter: 'memory'`), else null. */
  readonly memory: MemoryExporter | null;
  /** Resolves once the installed provider modules are patched (ESM copies load asynchronously); lists them. */
  readonly ready: Promise<string[]>;
  /** Whether the SDK set up its own tracer provider (false: it joined the app's). */
  readonly ownsProvider: boolean;
  /**
   * Exports every finished span now. With the `file` exporter, writes them as one JSON
   * document to `file` (else `out` / `SIGHTLINE_OUT`, else `<session-id>.json`) and resolves
   * to its path (null when there was nothing to write and no file was named). Settles within
   * the export timeout; rejects with an `Error` naming the endpoint when spans were not delivered.
   */
  flush(options?: FlushOptions): Promise<string | null>;
  /**
   * Flushes, then stops exporting and restores patched modules. Settles within the export
   * timeout; the SDK is stopped even when it rejects (with an `Error` naming the endpoint).
   */
  shutdown(): Promise<void>;
}

export interface FlushOptions {
  /** Where the `file` exporter writes this time. */
  file?: string;
}

interface State {
  handle: Sightline;
  config: ResolvedConfig;
  labels: Labels;
  envLabels: Labels;
  patches: Patches;
  enabled: boolean;
}

let state: State | null = null;
/** How much longer than the export timeout shutdown() may take as a whole (closing the exporter after the last export). */
const SHUTDOWN_GRACE_MS = 1_000;
const TRACER_NAME = '@sightline/sdk';

/** What instrumentation reads at call time (so it follows init/shutdown). */
let tracer: Tracer | null = null;
export const instrumentContext: InstrumentContext = {
  // The global API hands out a tracer that follows the provider in force, so one is enough.
  tracer: (): Tracer => (tracer ??= trace.getTracer(TRACER_NAME, SDK_VERSION)),
  content: (): ContentPolicy => ({ capture: state?.config.captureContent ?? false, mask: state?.config.mask ?? null }),
  enabled: () => state?.enabled ?? true,
};

/** Patches applied by `instrument(client)` before or without `init()`. */
export const manualPatches = new Patches();

/**
 * Sets Sightline up: exporter, labels, sessions, and (unless `autoInstrument: false`) the
 * installed `openai` module. Joins the app's tracer provider if it has one. Calling it again
 * returns the running instance.
 */
export function init(options: InitOptions = {}): Sightline {
  if (state) {
    process.emitWarning('init() was already called; returning the running Sightline instance', { code: 'SIGHTLINE_SDK' });
    return state.handle;
  }
  const config = resolveConfig(options, process.env, warnOnce);
  tracer = null;
  const envLabels = labelsFromEnv(process.env, warnOnce);
  const labels = mergeLabels(systemLabels(), envLabels, config.labels);
  const pipeline = exportPipeline(config);
  const stamper = new SpanStamper(() => state?.labels ?? labels);
  const processors: SpanProcessor[] = [stamper, ...(pipeline.processor ? [pipeline.processor] : [])];

  let provider: BasicTracerProvider | null = null;
  const existing = appProvider();
  if (existing) {
    if (!joinProvider(existing, processors))
      process.emitWarning(
        "the app's tracer provider does not accept more span processors; Sightline's spans go to the app's exporters only",
        { code: 'SIGHTLINE_SDK' },
      );
  } else {
    provider = new BasicTracerProvider({
      resource: resourceFromAttributes({
        'service.name': config.serviceName,
        'telemetry.sdk.name': '@sightline/sdk',
        'telemetry.sdk.version': SDK_VERSION,
      }),
      sampler: new ParentBasedSampler({
        root: config.sampleRate >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(config.sampleRate),
      }),
      spanProcessors: processors,
    });
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);
  }

  const patches = new Patches();
  const file = pipeline.file;
  const flush = async (options: FlushOptions = {}): Promise<string | null> => {
    if (options.file !== undefined && !file)
      throw new ConfigError(
        `flush({ file }) writes the file export, but the exporter is "${describe(config.exporter)}": init({ exporter: 'file' }) or set SIGHTLINE_OUT`,
      );
    // Our own processors, not provider.forceFlush(): that one rejects with an array and waits 30 s.
    await Promise.all(processors.map((p) => p.forceFlush())).catch((err: unknown) => {
      throw asError(err, 'Sightline: flush failed');
    });
    return file ? file.write(options.file) : null;
  };
  let stopping: Promise<void> | null = null;
  const onBeforeExit = () => {
    // Bounded by the export timeout; a collector that is down costs a warning, never the exit code.
    flush().catch((err: unknown) => process.emitWarning(asError(err).message, { code: 'SIGHTLINE_SDK' }));
  };
  // `process.exit()` skips beforeExit: spans already ended are written synchronously.
  const onExit = () => {
    try {
      file?.write();
    } catch (err) {
      reportOnce('sightline: writing the file export at exit', err);
    }
  };
  const handle: Sightline = {
    config,
    memory: pipeline.memory,
    ownsProvider: provider !== null,
    ready: config.autoInstrument ? patchInstalled(patches) : Promise.resolve([]),
    flush,
    shutdown() {
      stopping ??= (async () => {
        if (state) state.enabled = false;
        patches.restore();
        process.off('beforeExit', onBeforeExit);
        process.off('exit', onExit);
        let failure: Error | null = null;
        try {
          // The exports inside are bounded by the timeout already; this bounds the whole, with a little grace.
          const stop = () => (provider ? provider.shutdown() : Promise.all(processors.map((p) => p.shutdown())));
          await withinTimeout(stop, config.exportTimeoutMs + SHUTDOWN_GRACE_MS, `Sightline: shutting down the export to ${target(config)}`);
        } catch (err) {
          failure = asError(err, 'Sightline: shutdown failed');
          // A failed last flush skips the exporter's own shutdown; start it, without waiting again.
          pipeline.exporter?.shutdown().catch(() => {});
        }
        if (provider) {
          trace.disable();
          context.disable();
          tracer = null;
        }
        onExit();
        state = null;
        if (failure) throw failure;
      })();
      return stopping;
    },
  };
  state = { handle, config, labels, envLabels, patches, enabled: true };
  process.once('beforeExit', onBeforeExit);
  if (file) process.once('exit', onExit);
  return handle;
}

/** The app's own tracer provider, if it registered one. */
function appProvider(): TracerProvider | null {
  const global = trace.getTracerProvider() as TracerProvider & { getDelegate?: () => TracerProvider };
  const delegate = global.getDelegate ? global.getDelegate() : global;
  return delegate.constructor?.name === 'NoopTracerProvider' ? null : delegate;
}

/** Adds processors to an SDK tracer provider (its processors are fixed at construction in OTel JS 2.x, so through its multi-processor). */
function joinProvider(provider: TracerProvider, processors: SpanProcessor[]): boolean {
  const active = (provider as { _activeSpanProcessor?: { _spanProcessors?: SpanProcessor[] } })._activeSpanProcessor;
  if (!Array.isArray(active?._spanProcessors)) return false;
  // Stamp first, so the app's exporters see labels and sessions too.
  active._spanProcessors.unshift(processors[0] as SpanProcessor);
  active._spanProcessors.push(...processors.slice(1));
  return true;
}

function running(what: string): State {
  if (!state) throw new Error(`${what}: call init() first`);
  return state;
}

/** The labels on every span now (system, environment and yours). */
export function getLabels(): Labels {
  return { ...running('getLabels').labels };
}

/** Merges labels into (or with `{ replace: true }`, replaces) your labels; system labels are always kept. */
export function setLabels(labels: Labels, options: { replace?: boolean } = {}): void {
  const s = running('setLabels');
  const system = Object.fromEntries(Object.entries(s.labels).filter(([k]) => k.startsWith(SYSTEM_PREFIX)));
  const mine = options.replace ? {} : Object.fromEntries(Object.entries(s.labels).filter(([k]) => !k.startsWith(SYSTEM_PREFIX)));
  s.labels = { ...system, ...mine, ...checkLabels(labels, mine) };
}

export function addLabel(key: string, value: string): void {
  setLabels({ [key]: value });
}

export function removeLabel(key: string): void {
  const s = running('removeLabel');
  if (key.startsWith(SYSTEM_PREFIX)) throw new LabelError(`label "${key}" is a system label and cannot be removed`);
  const next = { ...s.labels };
  delete next[key];
  s.labels = next;
}

/** Restores the installed modules' patched methods (the SDK keeps running; instrument() again as needed). */
export function uninstrumentModules(): void {
  state?.patches.restore();
}

/** Auto-instrumentation that can only ever report what it patched, never fail `init()`. */
function patchInstalled(patches: Patches): Promise<string[]> {
  try {
    return autoInstrument(patches, instrumentContext).catch((err) => {
      reportOnce('sightline: patching installed modules', err);
      return [];
    });
  } catch (err) {
    reportOnce('sightline: patching installed modules', err);
    return Promise.resolve([]);
  }
}

function describe(exporter: ResolvedConfig['exporter']): string {
  return typeof exporter === 'string' ? exporter : (exporter.constructor?.name ?? 'custom');
}

/** Where spans go, for messages: the endpoint for OTLP, else the exporter's name. */
function target(config: ResolvedConfig): string {
  return typeof config.exporter === 'string' && config.exporter.startsWith('otlp') ? config.url : describe(config.exporter);
}
