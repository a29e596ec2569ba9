import { describe, expect, it } from 'vitest';
import { ScratchBuilder } from './scratch-builder.js';

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString();

describe('the scratch space batches are encoded in', () => {
  it('gives each batch bytes of its own, which the next batch does not overwrite', () => {
    const scratch = new ScratchBuilder();
    scratch.take().text('the first batch, longer than the next');
    const first = scratch.done();
    scratch.take().text('second');
    const second = scratch.done();
    expect([text(first), text(second)]).toEqual(['the first batch, longer than the next', 'second']);
    expect(first.buffer.byteLength).toBe(first.byteLength);
  });

  it('does not keep the room a big batch needed', () => {
    const scratch = new ScratchBuilder();
    scratch.take().text('x'.repeat(5 * 1024 * 1024));
    expect(scratch.done().byteLength).toBe(5 * 1024 * 1024);
    expect(scratch.take().buf.byteLength).toBeLessThanOrEqual(64 * 1024);
    scratch.take().text('y'.repeat(1024 * 1024));
    scratch.done();
    // Room up to 4 MiB is kept for the next batch.
    expect(scratch.take().buf.byteLength).toBeGreaterThanOrEqual(1024 * 1024);
  });
});
