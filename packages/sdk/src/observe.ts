import { type Attributes, type Context, context, type Span, trace } from '@opentelemetry/api';
import { prepareValue } from './content.js';
import type { InstrumentContext } from './instrument/instrument-context.js';
import { markFailed } from './instrument/llm-span.js';
import { observed } from './instrument/streams.js';
import { reportOnce } from './safe.js';

/** What a span of your own code stands for. */
export type ObserveKind =
  | 'agent'
  | 'chain'
  | 'tool'
  | 'retriever'
  | 'embedding'
  | 'guardrail'
  | 'evaluator'
  | 'reranker'
  | 'task'
  | 'workflow';

export interface ObserveOptions {
  /** Span name; default the function's name. */
  name?: string;
  kind?: ObserveKind;
  /** Extra attributes on the span. */
  attributes?: Attributes;
}

/** The GenAI operation each kind is, where the conventions name one. */
const OPERATION: Partial<Record<ObserveKind, string>> = {
  agent: 'invoke_agent',
  tool: 'execute_tool',
  workflow: 'invoke_workflow',
  retriever: 'retrieval',
  embedding: 'embeddings',
};

/**
 * Wraps a function (sync, async, or an async generator) so each call is a span; nested calls
 * nest by async context. Arguments and the result are recorded as input/output when content
 * capture is on.
 */
export function makeObserve(ctx: InstrumentContext) {
  // biome-ignore lint/suspicious/noExplicitAny: wraps any function
  return function observe<F extends (...args: any[]) => any>(fn: F, options: ObserveOptions = {}): F {
    if (typeof fn !== 'function') throw new TypeError('observe: expected a function');
    const name = options.name ?? (fn.name || 'anonymous');
    const kind = options.kind ?? 'chain';
    // biome-ignore lint/suspicious/noExplicitAny: see above
    const wrapped = function (this: any, ...args: any[]) {
      let span: Span;
      const content = ctx.content();
      try {
        const attributes: Attributes = {
          'sightline.span.kind': kind,
          'openinference.span.kind': kind.toUpperCase(),
          ...options.attributes,
        };
        const op = OPERATION[kind];
        if (op) attributes['gen_ai.operation.name'] = op;
        if (kind === 'tool') attributes['gen_ai.tool.name'] = name;
        if (kind === 'agent') attributes['gen_ai.agent.name'] = name;
        if (content.capture) attributes['input.value'] = prepareValue(content, args.length === 1 ? args[0] : args);
        span = ctx.tracer().startSpan(name, { attributes });
      } catch (err) {
        reportOnce('sightline: starting an observe() span', err);
        return fn.apply(this, args);
      }
      const finish = (value: unknown) => {
        try {
          if (content.capture && value !== undefined) span.setAttribute('output.value', prepareValue(content, value));
        } catch (err) {
          reportOnce('sightline: recording an observe() output', err);
        }
        span.end();
        return value;
      };
      const fail = (err: unknown) => {
        markFailed(span, err);
        span.end();
      };
      const active = trace.setSpan(context.active(), span);
      let result: unknown;
      try {
        result = context.with(active, () => fn.apply(this, args));
      } catch (err) {
        fail(err);
        throw err;
      }
      if (isAsyncIterator(result)) return observeGenerator(result, active, finish, fail);
      if (isPromiseLike(result))
        return result.then(finish, (err: unknown) => {
          fail(err);
          throw err;
        });
      return finish(result);
    };
    Object.defineProperty(wrapped, 'name', { value: fn.name });
    return wrapped as F;
  };
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return !!v && typeof (v as { then?: unknown }).then === 'function';
}

function isAsyncIterator(v: unknown): v is AsyncGenerator<unknown> {
  return !!v && typeof (v as { next?: unknown }).next === 'function' && typeof (v as AsyncGenerator)[Symbol.asyncIterator] === 'function';
}

/**
 * An async generator's span lasts until it is exhausted (or left); each step runs in the span's
 * context. Yields are collected as output (the first 1,000).
 */
function observeGenerator(
  inner: AsyncGenerator<unknown>,
  active: Context,
  finish: (v: unknown) => unknown,
  fail: (err: unknown) => void,
): AsyncIterableIterator<unknown> {
  const items: unknown[] = [];
  const stepped: AsyncIterator<unknown> = {
    next: () => context.with(active, () => inner.next()),
    return: (value?: unknown) => inner.return(value),
    throw: (err?: unknown) => inner.throw(err),
  };
  return observed(stepped, {
    chunk: (item) => {
      if (items.length < 1000) items.push(item);
    },
    done: () => finish(items),
    fail,
  });
}
