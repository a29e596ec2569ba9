import { reportOnce } from '../safe.js';
import type { InstrumentContext } from './instrument-context.js';
import type { Json } from './json.js';
import { type CallResult, type CallStart, LlmSpan } from './llm-span.js';
import { observeStreamObject } from './streams.js';

// biome-ignore lint/suspicious/noExplicitAny: provider methods are untyped here
type Method = (this: any, ...args: any[]) => any;

/** How one provider method maps to a model-call span. */
export interface CallMapping {
  readonly name: string;
  start(body: Json, self: Json): CallStart;
  /** Records the parsed result (a response, or a stream to watch) on the span. */
  record(data: Json, span: LlmSpan): void;
}

/**
 * Wraps a provider method returning a Stainless-style `APIPromise` (openai, Anthropic) or any
 * promise: the span starts before the request and ends with the response or the stream; what
 * the caller gets back is the same object it would have had.
 */
export function wrapCall(original: Method, mapping: CallMapping, ctx: InstrumentContext): Method {
  return function (this: Json, ...args: Json[]) {
    if (!ctx.enabled()) return original.apply(this, args);
    let span: LlmSpan;
    try {
      span = new LlmSpan(ctx.tracer(), ctx.content(), mapping.start(args[0], this));
    } catch (err) {
      reportOnce(`sightline: starting a ${mapping.name} span`, err);
      return original.apply(this, args);
    }
    let result: Json;
    try {
      result = span.activate(() => original.apply(this, args));
    } catch (err) {
      span.fail(err);
      throw err;
    }
    const onData = (data: Json) => {
      try {
        mapping.record(data, span);
      } catch (err) {
        reportOnce(`sightline: reading a ${mapping.name} response`, err);
      }
      return data;
    };
    try {
      if (result && typeof result._thenUnwrap === 'function' && typeof result.asResponse === 'function') {
        // Errors reject the response promise; watching it does not read the body.
        result.asResponse().then(undefined, (err: unknown) => span.fail(err));
        return result._thenUnwrap(onData);
      }
      if (result && typeof result.then === 'function')
        return result.then(onData, (err: unknown) => {
          span.fail(err);
          throw err;
        });
      return onData(result);
    } catch (err) {
      reportOnce(`sightline: observing a ${mapping.name} result`, err);
      return result;
    }
  };
}

/** Whether a parsed result is a stream rather than a response body. */
export function isStream(data: Json): boolean {
  return !!data && typeof data === 'object' && typeof data[Symbol.asyncIterator] === 'function';
}

/** What follows a provider's stream: `add` says whether a chunk carries content; `result` is the call's figures at the end. */
export interface StreamState {
  add(chunk: Json): boolean;
  result(): CallResult;
}

/** Records a streamed call on its span: first token at the first content chunk, the result when the stream ends. */
export function recordStream(stream: object, span: LlmSpan, state: StreamState): void {
  observeStreamObject<Json>(stream, {
    chunk: (chunk) => {
      if (state.add(chunk)) span.firstChunk();
    },
    done: () => span.succeed(state.result()),
    fail: (err) => span.fail(err),
  });
}

const hosts = new Map<string, string | null>();

/** The host of a base URL, remembered (an app has a few; the bound keeps one that makes many from growing this). */
export function hostOf(base: unknown): string | null {
  if (typeof base !== 'string') return null;
  let host = hosts.get(base);
  if (host === undefined) {
    try {
      host = new URL(base).hostname;
    } catch {
      host = null;
    }
    if (hosts.size >= 64) hosts.clear();
    hosts.set(base, host);
  }
  return host;
}

/** The server's host, from a Stainless client's base URL (kept on the client; resources reach it as `_client`). */
export function serverAddress(client: Json): string | null {
  return hostOf(client?._client?.baseURL ?? client?.baseURL);
}
