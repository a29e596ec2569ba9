import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../testing/random.js';
import { bytesToHex } from '../model/ids.js';
import { decodeUtf8 } from './proto-reader.js';

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
