import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../../../testing/collect.js';
import { seededRandom } from '../../../../testing/random.js';
import { bytesToHex } from '../model/ids.js';
import { decodeUtf8, ProtoReader } from './proto-reader.js';

// The reader decodes with Node's Buffer where there is one, and with these portable functions
// elsewhere: both must give the same text for the same bytes.
describe('the portable decoders agree with Buffer', () => {
  const rand = seededRandom(7);
  // Bytes that make UTF-8 go wrong: lead bytes cut short, lone continuations, surrogates, overlongs, a BOM.
  const tricky = [0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0, 0x80, 0xc0, 0xaf, 0xef, 0xbb, 0xbf, 0xff, 0x80];
  const samples = Array.from({ length: 5_000 }, () => {
    const bytes = new Uint8Array(1 + Math.floor(rand() * 48));
    for (let i = 0; i < bytes.length; i++)
      bytes[i] = rand() < 0.5 ? Math.floor(rand() * 256) : (tricky[Math.floor(rand() * tricky.length)] as number);
    return bytes;
  });

  it('decodes UTF-8 alike, bad sequences included', () => {
    const differ = samples.filter((b) => decodeUtf8(b, 0, b.length) !== Buffer.from(b).toString('utf8'));
    expect(differ).toEqual([]);
  });

  it('spells ids in hex alike', () => {
    const differ = samples.filter((b) => bytesToHex(b, 1, b.length) !== Buffer.from(b).toString('hex', 1, b.length));
    expect(differ).toEqual([]);
  });
});

// A request's body is a Buffer, whose own `slice` is a view of all of its bytes: what the reader
// keeps or hands out must be a copy, or one short value would keep a whole request in memory.
describe('what the reader keeps of a request', () => {
  /** A 1 MiB body whose first field is the string or bytes `value`. */
  const body = (value: string) => {
    const b = Buffer.alloc(1 << 20);
    b[0] = 0x0a;
    b[1] = value.length;
    b.write(value, 2, 'latin1');
    return b;
  };

  /** Reads a cached short string from a body of its own; returns a weak reference to the body's memory. */
  const readOne = (i: number): WeakRef<ArrayBufferLike> => {
    const b = body(`user-${i}-x`);
    const r = new ProtoReader(b);
    r.uint32();
    expect(r.string(1 << 20)).toBe(`user-${i}-x`);
    return new WeakRef(b.buffer);
  };

  it('caches short strings as copies: the bodies they came from can be freed', async () => {
    const bodies = Array.from({ length: 40 }, (_, i) => readOne(i));
    await collectGarbage();
    expect(bodies.filter((b) => b.deref() !== undefined)).toHaveLength(0);
  });

  it('reads a bytes field as a copy of just those bytes', () => {
    const r = new ProtoReader(body('abc'));
    r.uint32();
    const value = r.bytes(1 << 20);
    expect([...value]).toEqual([0x61, 0x62, 0x63]);
    expect(value.buffer.byteLength).toBe(3);
  });
});
