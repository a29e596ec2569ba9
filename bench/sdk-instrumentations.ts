import { createRequire } from 'node:module';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/** The instrumentations the SDK overhead benchmark compares, and the uninstrumented baseline. */
export const INSTRUMENTATIONS = ['baseline', 'sightline', 'openinference', 'otel'] as const;
export type InstrumentationName = (typeof INSTRUMENTATIONS)[number];

/** The installed `openai` client class, set up with one instrumentation, and what it recorded. */
export interface Instrumented {
  readonly OpenAI: typeof import('openai').OpenAI;
  /** How many spans were finished since the last take; drops them, as an exporter would. */
  takeSpans(): number;
  /** The attributes (and log records) of the spans last taken, as text: to see whether content was captured. */
  lastRecorded(): string;
  flush(): Promise<void>;
}

// Every child loads the CommonJS copy of `openai`, the one all three instrumentations can patch.
const require = createRequire(`${process.cwd()}/`);
const loadOpenAi = () => (require('openai') as typeof import('openai')).OpenAI;

/**
 * Sets one instrumentation up, the way its documentation does, then loads `openai`. The two
 * competitors get what Sightline's `exporter: 'memory'` builds for itself: a BasicTracerProvider,
 * a SimpleSpanProcessor into an in-memory exporter, and the AsyncLocalStorage context manager.
 */
export async function setUp(name: InstrumentationName, captureContent: boolean): Promise<Instrumented> {
  if (name === 'baseline') return { OpenAI: loadOpenAi(), takeSpans: () => 0, lastRecorded: () => '', flush: async () => {} };
  if (name === 'sightline') {
    const { init } = await import('@sightline/sdk');
    const sightline = init({ exporter: 'memory', serviceName: 'sdk-overhead-bench', captureContent });
    await sightline.ready;
    const memory = sightline.memory!;
    const taken = taker(
      () => memory.spans,
      () => memory.clear(),
    );
    return {
      OpenAI: loadOpenAi(),
      ...taken,
      flush: async () => {
        await sightline.flush();
      },
    };
  }

  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const flush = () => tracerProvider.forceFlush();
  if (name === 'openinference') {
    const { OpenAIInstrumentation } = await import('@arizeai/openinference-instrumentation-openai');
    const traceConfig = captureContent ? {} : { hideInputs: true, hideOutputs: true };
    const instrumentation = new OpenAIInstrumentation({ tracerProvider, traceConfig });
    const OpenAI = loadOpenAi();
    instrumentation.manuallyInstrument(require('openai'));
    return {
      OpenAI,
      ...taker(
        () => exporter.getFinishedSpans(),
        () => exporter.reset(),
      ),
      flush,
    };
  }

  const { registerInstrumentations } = await import('@opentelemetry/instrumentation');
  const { OpenAIInstrumentation } = await import('@opentelemetry/instrumentation-openai');
  // Its content goes to log events, so with content on it gets an in-memory log pipeline too.
  const logs = new InMemoryLogRecordExporter();
  const loggerProvider = captureContent ? new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: logs })] }) : null;
  registerInstrumentations({
    instrumentations: [new OpenAIInstrumentation({ captureMessageContent: captureContent })],
    tracerProvider,
    ...(loggerProvider ? { loggerProvider } : {}),
  });
  const taken = taker(
    () => exporter.getFinishedSpans(),
    () => exporter.reset(),
  );
  let lastLogs = logs.getFinishedLogRecords();
  return {
    OpenAI: loadOpenAi(), // it patches `openai` as it is required
    takeSpans: () => {
      const records = logs.getFinishedLogRecords();
      if (records.length) lastLogs = records;
      logs.reset();
      return taken.takeSpans();
    },
    lastRecorded: () => taken.lastRecorded() + JSON.stringify(lastLogs.map((r) => [r.eventName, r.body, r.attributes])),
    flush,
  };
}

/** Takes the spans an exporter holds (`drop` replaces its array), keeping the last ones taken for a look. */
function taker(held: () => readonly ReadableSpan[], drop: () => void): Pick<Instrumented, 'takeSpans' | 'lastRecorded'> {
  let last: readonly ReadableSpan[] = [];
  return {
    takeSpans: () => {
      const spans = held();
      if (spans.length) last = spans;
      drop();
      return spans.length;
    },
    lastRecorded: () => JSON.stringify(last.map((s) => [s.name, s.attributes, s.events])),
  };
}
