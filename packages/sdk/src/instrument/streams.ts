import { reportOnce } from '../safe.js';

/** What watches a stream go by. */
export interface StreamObserver<T> {
  chunk(chunk: T): void;
  /** The stream ended, or the consumer stopped early. */
  done(): void;
  fail(err: unknown): void;
}

/** Yields `inner`'s chunks unchanged, showing each to `observer` on the way. */
export async function* observed<T>(inner: AsyncIterator<T>, observer: StreamObserver<T>): AsyncGenerator<T> {
  let failed = false;
  try {
    for (;;) {
      const next = await inner.next();
      if (next.done) break;
      try {
        observer.chunk(next.value);
      } catch (err) {
        reportOnce('sightline: reading a stream chunk', err);
      }
      yield next.value;
    }
  } catch (err) {
    failed = true;
    observer.fail(err);
    throw err;
  } finally {
    if (!failed) observer.done();
    // The consumer stopped early: let the source clean up too.
    await inner.return?.();
  }
}

/**
 * Makes an SDK stream object (openai's and Anthropic's `Stream`) report its chunks, keeping the
 * object itself — its class, `controller`, `tee()` — as the caller expects.
 */
export function observeStreamObject<T>(stream: object, observer: StreamObserver<T>): void {
  const s = stream as Partial<AsyncGenerator<T>> & { iterator?: () => AsyncIterator<T> };
  if (typeof s.iterator === 'function') {
    const original = s.iterator.bind(stream);
    s.iterator = () => observed(original(), observer);
  } else if (typeof s.next === 'function' && typeof s[Symbol.asyncIterator] === 'function') {
    // An async generator (`@google/genai`'s streams) is its own iterator and may be read with
    // `next()` directly: its methods go through one observer, whichever way it is read.
    const inner: AsyncIterator<T> = {
      next: s.next.bind(stream),
      return: s.return?.bind(stream),
      throw: s.throw?.bind(stream),
    };
    const watched = observed(inner, observer);
    s.next = (...args) => watched.next(...args);
    s.return = (value) => watched.return(value as T);
    s.throw = (err) => watched.throw(err);
    s[Symbol.asyncIterator] = () => stream as AsyncGenerator<T>;
  } else if (typeof s[Symbol.asyncIterator] === 'function') {
    const original = (s[Symbol.asyncIterator] as () => AsyncIterator<T>).bind(stream);
    s[Symbol.asyncIterator] = () => observed(original(), observer);
  } else {
    observer.done();
  }
}
