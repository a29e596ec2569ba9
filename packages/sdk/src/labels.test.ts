import { describe, expect, it } from 'vitest';
import { checkLabels, LabelError, labelsFromEnv, mergeLabels } from './labels.js';

describe('labels', () => {
  it('accepts keys matching ^[a-z][a-z0-9_]{0,62}$ with string values up to 256 characters', () => {
    expect(checkLabels({ team: 'search', a1_b: 'x'.repeat(256), [`k${'x'.repeat(62)}`]: 'v' })).toBeTruthy();
  });

  it.each([
    [{ Team: 'x' }, /label key "Team" is invalid/],
    [{ '1team': 'x' }, /invalid/],
    [{ [`k${'x'.repeat(63)}`]: 'x' }, /invalid/],
    [{ 'team-a': 'x' }, /invalid/],
    [{ sightline_env: 'x' }, /reserved/],
    [{ team: 'x'.repeat(257) }, /257 characters long; values are at most 256/],
    [{ team: 3 }, /must have a string value, got number/],
  ])('rejects %j with a clear error', (labels, message) => {
    expect(() => checkLabels(labels as Record<string, unknown>)).toThrow(LabelError);
    expect(() => checkLabels(labels as Record<string, unknown>)).toThrow(message);
  });

  it('allows at most 64 labels, counting the ones already set', () => {
    const many = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, 'v']));
    expect(() => checkLabels(many)).not.toThrow();
    expect(() => checkLabels({ extra: 'v' }, many)).toThrow('too many labels: 65; at most 64');
  });

  it('reads SIGHTLINE_LABEL_<KEY> variables and merges system < environment < explicit', () => {
    const env = labelsFromEnv({ SIGHTLINE_LABEL_TEAM: 'env-team', SIGHTLINE_LABEL_REGION: 'eu', OTHER: 'x' });
    expect(env).toEqual({ team: 'env-team', region: 'eu' });
    expect(mergeLabels({ sightline_os: 'linux' }, env, { team: 'mine' })).toEqual({ sightline_os: 'linux', team: 'mine', region: 'eu' });
  });

  it('skips an invalid SIGHTLINE_LABEL_* variable, saying which and why, instead of throwing', () => {
    const problems: string[] = [];
    const env = labelsFromEnv({ SIGHTLINE_LABEL_SIGHTLINE_X: 'v', 'SIGHTLINE_LABEL_A-B': 'v', SIGHTLINE_LABEL_OK: 'v' }, (m) =>
      problems.push(m),
    );
    expect(env).toEqual({ ok: 'v' });
    expect(problems).toEqual([
      'SIGHTLINE_LABEL_SIGHTLINE_X: label key "sightline_x" is reserved: keys starting with "sightline_" are set by Sightline; the variable is ignored',
      expect.stringMatching(/^SIGHTLINE_LABEL_A-B: label key "a-b" is invalid: .*; the variable is ignored$/),
    ]);
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`SIGHTLINE_LABEL_K${i}`, 'v']));
    expect(Object.keys(labelsFromEnv(many, (m) => problems.push(m)))).toHaveLength(64);
    expect(problems.at(-1)).toBe('SIGHTLINE_LABEL_K64: too many labels; at most 64; the variable is ignored');
  });
});
