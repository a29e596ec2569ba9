import { describe, expect, it } from 'vitest';
import { type AnyValue, newAttributes } from '../model/any-value.js';
import { decodeTypedJson, encodeKvList, encodeTypedJson, escapeKey, TypedJsonError, writeKvList } from './typed-json.js';
import { Utf8Builder } from './utf8-builder.js';

function kv(entries: Record<string, AnyValue>): AnyValue {
  return Object.assign(newAttributes(), entries);
}

describe('typed JSON', () => {
  const cases: [string, AnyValue, string][] = [
    ['string', 'héllo "world"\n\u0000', '"héllo \\"world\\"\\n\\u0000"'],
    ['bool', true, 'true'],
    ['int', 24n, '24'],
    ['large negative int', -9223372036854775808n, '-9223372036854775808'],
    ['integral double', 24, '24.0'],
    ['double', 0.2, '0.2'],
    ['negative zero', -0, '-0.0'],
    ['huge double', 1e300, '1e+300'],
    ['NaN', Number.NaN, '{"$double":"NaN"}'],
    ['-Infinity', Number.NEGATIVE_INFINITY, '{"$double":"-Infinity"}'],
    ['bytes', Uint8Array.from([0, 255, 16]), '{"$bytes":"AP8Q"}'],
    ['empty', null, 'null'],
    ['array', ['a', 1n, 1.5, [true]], '["a",1,1.5,[true]]'],
    ['kvlist', kv({ a: 1n, 'b.c': kv({ d: 'e' }) }), '{"a":1,"b.c":{"d":"e"}}'],
    ['kvlist with $ keys', kv({ $bytes: 'not bytes', $$x: 1n }), '{"$$bytes":"not bytes","$$$x":1}'],
  ];

  it.each(cases)('writes %s as plain JSON a database can query', (_name, value, text) => {
    expect(encodeTypedJson(value)).toBe(text);
    if (!text.includes('$')) expect(() => JSON.parse(text)).not.toThrow();
  });

  it.each(cases)('reads %s back with its type', (_name, value, text) => {
    const back = decodeTypedJson(text);
    if (typeof value === 'number' && Number.isNaN(value)) expect(back).toBeNaN();
    else expect(back).toEqual(value);
    expect(typeof back).toBe(typeof value);
    if (Object.is(value, -0)) expect(Object.is(back, -0)).toBe(true);
  });

  it('reads keys such as __proto__ as data', () => {
    const back = decodeTypedJson('{"__proto__":{"polluted":1}}') as Record<string, AnyValue>;
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual({ polluted: 1n });
    expect('toString' in back).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses text that is not typed JSON', () => {
    for (const bad of ['', '{', '[1,', '"abc', 'nul', '1.2.3', '{"a" 1}', '[1] x', '{"$bytes":1}']) {
      expect(() => decodeTypedJson(bad), bad).toThrow(TypedJsonError);
    }
  });

  it('escapes only keys that start with $', () => {
    expect(escapeKey('gen_ai.request.model')).toBe('gen_ai.request.model');
    expect(escapeKey('$ref')).toBe('$$ref');
  });
});

describe('typed JSON as UTF-8 bytes', () => {
  const decoder = new TextDecoder();
  it('writes exactly the bytes of the string encoder', () => {
    const values: AnyValue[] = [
      kv({
        a: 'plain',
        b: 'with "quotes" and \\ backslash',
        c: 'tab\tnew\nline\u0001',
        d: 'héllo wörld 世界 🚀',
        e: '\ud800 lone',
        f: 'x'.repeat(5000),
      }),
      kv({ n: 24n, d: 2.5, w: 3, nan: Number.NaN, bytes: Uint8Array.from([1, 2, 3]), arr: ['é', [kv({ $k: true })], null] }),
      kv({}),
      kv({ ключ: 'значение', 'k\u0000': 'v' }),
    ];
    for (const value of values) {
      const out = new Utf8Builder(8);
      writeKvList(out, value as Record<string, AnyValue>);
      expect(decoder.decode(out.view())).toBe(encodeKvList(value as Record<string, AnyValue>));
    }
  });
});

describe('escaped strings as UTF-8 bytes', () => {
  it('match JSON.stringify for every kind of character', () => {
    const decoder = new TextDecoder();
    const samples = [
      '"quoted" and \\back\\slash',
      'controls \u0000\u0001\u0008\u0009\u000a\u000b\u000c\u000d\u001f end',
      'mixed "é" 世界 and 🚀 "',
      'lone \ud800 high, lone \udc00 low, reversed \udc00\ud800, pair \ud83d\ude80 "',
      'ends with a lone high \ud83d',
      `{"role":"user","content":"${'x'.repeat(300)}"}`,
      `[{"role":"user","parts":[{"type":"text","content":"${'héllo 世界 '.repeat(40)}\\"quoted\\""}]}]`,
      '"',
      '\\',
      '""\\\\"x',
      'ends with a quote "',
    ];
    for (const s of samples) {
      const out = new Utf8Builder(4);
      writeKvList(out, kv({ k: s }) as Record<string, AnyValue>);
      expect(decoder.decode(out.view())).toBe(`{"k":${JSON.stringify(s)}}`);
    }
  });
});
