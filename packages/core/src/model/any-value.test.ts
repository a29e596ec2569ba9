import { describe, expect, it } from 'vitest';
import { fromPlain, MAX_VALUE_DEPTH } from './any-value.js';

describe('plain JSON as attribute values', () => {
  it('makes integers ints, keeps other numbers, and keys such as __proto__ as data', () => {
    const v = fromPlain(JSON.parse('{"n": 3, "x": 0.5, "__proto__": {"a": [true, null]}}')) as Record<string, unknown>;
    expect(v.n).toBe(3n);
    expect(v.x).toBe(0.5);
    expect(Object.keys(v)).toEqual(['n', 'x', '__proto__']);
    expect(Object.getOwnPropertyDescriptor(v, '__proto__')?.value).toEqual({ a: [true, null] });
  });

  it('keeps what is nested too deep as its JSON text, however deep it goes', () => {
    const at = (v: unknown, levels: number) => {
      for (let i = 0; i < levels; i++) v = (v as unknown[])[0];
      return v;
    };
    const deep = (n: number) => JSON.parse(`${'['.repeat(n)}1${']'.repeat(n)}`);
    expect(at(fromPlain(deep(40)), MAX_VALUE_DEPTH + 1)).toBe(
      `${'['.repeat(40 - MAX_VALUE_DEPTH - 1)}1${']'.repeat(40 - MAX_VALUE_DEPTH - 1)}`,
    );
    expect(at(fromPlain(deep(100_000)), MAX_VALUE_DEPTH + 1)).toBe(`[nested deeper than ${MAX_VALUE_DEPTH} levels]`);
    const refuse = () => {
      throw new Error('too deep');
    };
    expect(() => fromPlain([[1]], refuse, MAX_VALUE_DEPTH)).toThrow('too deep');
  });
});
