import { reportOnce } from '../safe.js';

/** What watches a stream go by. */
export interface StreamObserver<T> {
  chunk(chunk: T): void;
  /** The stream ended, or the consumer stopped early. */
  done(): void;
  fail(err: unknown): void;
}

/**
 * Passes `inner`'s chunks through unchanged, showing each to `observer` on the way; the end of
 * the stream, an early `return()` and an error each reach the observer once. A plain iterator
 * rather than an async generator: one promise per chunk, not several.
 */
export function observed<T>(inner: AsyncIterator<T>, observer: StreamObserver<T>): AsyncIterableIterator<T> {
  let finished = false;
  const end = (err?: unknown) => {
    if (finished) return;
    finished = true;
    if (err === undefined) observer.done();
    else observer.fail(err);
  };
  const onNext = (next: IteratorResult<T>): IteratorResult<T> => {
    if (next.done) end();
    else if (!finished) {
      try {
        observer.chunk(next.value);
      } catch (err) {
        reportOnce('sightline: reading a stream chunk', err);
      }
    }
    return next;
  };
  const onError = (err: unknown): never => {
    end(err ?? new Error('stream failed'));
    throw err;
  };
  return {
    next: () => inner.next().then(onNext, onError),
    return: (value?: unknown) => {
      // The consumer stopped early: the call is over, and the source may clean up.
      end();
      return inner.return ? inner.return(value) : Promise.resolve({ done: true, value: value as T });
    },
    throw: (err?: unknown) => {
      end(err ?? new Error('stream aborted'));
      return inner.throw ? inner.throw(err) : Promise.reject(err);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * Makes an SDK stream object (openai's and Anthropic's `Stream`) report its chunks, keeping the
 * object itself — its class, `controller`, `tee()` — as the caller expects.
 */
export function observeStreamObject<T>(stream: object, observer: StreamObserver<T>): void {
  const s = stream as Partial<AsyncIterator<T>> & {
    iterator?: () => AsyncIterator<T>;
    [Symbol.asyncIterator]?: () => AsyncIterator<T>;
  };
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
    s.next = watched.next;
    s.return = watched.return;
    s.throw = watched.throw;
    s[Symbol.asyncIterator] = () => stream as AsyncIterator<T>;
  } else if (typeof s[Symbol.asyncIterator] === 'function') {
    const original = (s[Symbol.asyncIterator] as () => AsyncIterator<T>).bind(stream);
    s[Symbol.asyncIterator] = () => observed(original(), observer);
  } else {
    observer.done();
  }
}
