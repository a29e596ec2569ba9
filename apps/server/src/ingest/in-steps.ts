/**
 * A large request is decoded, read for LLM calls and prepared for the writer in steps of this
 * many spans (or log records), with a turn of the event loop between them (each step takes tens of
 * milliseconds): other requests, `/healthz` and the UI's queries are answered meanwhile.
 */
export const SPANS_PER_STEP = 2_048;

/** Bodies up to this size are decoded in one go: they decode in a few milliseconds. */
export const DECODE_IN_ONE_GO_BYTES = 1024 * 1024;

/** Resolves on the event loop's next turn, after pending I/O. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
