import { describe, expect, it } from 'vitest';
import { type CallLink, findDuplicates } from './duplicates.js';

const call = (
  spanId: string,
  vocabulary: string,
  model: string | null,
  inputTokens: number | null = 10,
  requestId: string | null = null,
): CallLink => ({
  spanId,
  vocabulary,
  model,
  requestModel: null,
  inputTokens,
  requestId,
});

describe('duplicate calls', () => {
  it('counts a gateway call under the app’s call once, keeping the app’s', () => {
    const parents = new Map([
      ['app', 'root'],
      ['http', 'app'],
      ['gw', 'http'],
      ['root', null],
    ]);
    expect(findDuplicates([call('app', 'otel-genai', 'gpt-4o'), call('gw', 'plano', 'gpt-4o-2024-08-06')], parents)).toEqual(
      new Map([['gw', 'app']]),
    );
  });

  it('keeps the one with token counts when the outer has none', () => {
    const parents = new Map([
      ['outer', null],
      ['inner', 'outer'],
    ]);
    expect(
      findDuplicates([call('outer', 'openinference', 'gpt-4o-mini', null), call('inner', 'otel-genai', 'gpt-4o-mini', 25)], parents),
    ).toEqual(new Map([['outer', 'inner']]));
  });

  it('leaves sibling calls and nested calls of other models alone', () => {
    const parents = new Map([
      ['root', null],
      ['a', 'root'],
      ['b', 'root'],
      ['c', 'a'],
    ]);
    expect(
      findDuplicates(
        [call('a', 'otel-genai', 'gpt-4o'), call('b', 'otel-genai', 'gpt-4o'), call('c', 'otel-genai', 'claude-sonnet-4-5')],
        parents,
      ).size,
    ).toBe(0);
  });

  it('matches nested calls by response id when their model names differ', () => {
    const parents = new Map([
      ['agent', null],
      ['llm', 'agent'],
    ]);
    const calls = [
      call('agent', 'openinference', 'azure-deployment-1', 12, 'chatcmpl-1'),
      call('llm', 'otel-genai', 'gpt-4o', 12, 'chatcmpl-1'),
    ];
    expect(findDuplicates(calls, parents)).toEqual(new Map([['llm', 'agent']]));
    const other = [
      call('agent', 'openinference', 'azure-deployment-1', 12, 'chatcmpl-1'),
      call('llm', 'otel-genai', 'gpt-4o', 12, 'chatcmpl-2'),
    ];
    expect(findDuplicates(other, parents).size).toBe(0);
  });

  it('follows chains to the call that counts, and survives cycles', () => {
    const parents = new Map([
      ['a', null],
      ['b', 'a'],
      ['c', 'b'],
    ]);
    expect(findDuplicates([call('a', 'otel-genai', 'm'), call('b', 'openllmetry', 'm'), call('c', 'racto', 'm')], parents)).toEqual(
      new Map([
        ['b', 'a'],
        ['c', 'a'],
      ]),
    );
    const cyclic = new Map([
      ['x', 'y'],
      ['y', 'x'],
    ]);
    expect(() => findDuplicates([call('x', 'otel-genai', 'm')], cyclic)).not.toThrow();
  });
});
