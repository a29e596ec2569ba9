import { describe, expect, it } from 'vitest';
import { bytesToHex, isValidSpanId, isValidTraceId, normalizeHexId } from './ids.js';

describe('ids', () => {
  it('writes bytes as lowercase hex', () => {
    expect(bytesToHex(Uint8Array.from([0, 15, 160, 255]))).toBe('000fa0ff');
  });

  it('accepts only full-length, non-zero, lowercase hex', () => {
    expect(isValidTraceId('0af7651916cd43dd8448eb211c80319c')).toBe(true);
    expect(isValidTraceId('0AF7651916CD43DD8448EB211C80319C')).toBe(false);
    expect(isValidTraceId('0'.repeat(32))).toBe(false);
    expect(isValidSpanId('b7ad6b7169203331')).toBe(true);
    expect(isValidSpanId('b7ad6b716920333')).toBe(false);
  });

  it('normalizes user-supplied ids', () => {
    expect(normalizeHexId('B7AD6B7169203331', 16)).toBe('b7ad6b7169203331');
    expect(normalizeHexId('xyz', 16)).toBeNull();
  });
});
