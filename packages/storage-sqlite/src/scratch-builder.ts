import { Utf8Builder } from '@sightline/core';

const START_BYTES = 64 * 1024;
/** A scratch buffer bigger than this (grown by a big batch) is let go after use, not kept. */
const KEEP_BYTES = 4 * 1024 * 1024;

/**
 * A UTF-8 builder reused by every batch encoded on this thread: a batch's bytes are built in
 * it and copied out, so encoding allocates only the bytes it keeps, not a buffer per batch
 * with room to spare that is grown, zeroed and collected again (~1.5 MB per 512 LLM spans).
 * Not reentrant: `take`, build, `done` within one synchronous call.
 */
export class ScratchBuilder {
  private readonly builder = new Utf8Builder(START_BYTES);

  /** The builder, emptied. */
  take(): Utf8Builder {
    this.builder.pos = 0;
    return this.builder;
  }

  /** A copy of the bytes built since `take`. */
  done(): Uint8Array {
    const bytes = this.builder.copy();
    if (this.builder.buf.length > KEEP_BYTES) this.builder.buf = new Uint8Array(START_BYTES);
    return bytes;
  }
}
