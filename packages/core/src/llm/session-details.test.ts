import { describe, expect, it } from 'vitest';
import { MAX_SESSION_LABELS, mergeSessionDetails, sessionDetailsOf } from './session-details.js';

describe('what a span says of its session', () => {
  it("reads the name and labels, as text, and leaves out the SDK's own sightline_* labels", () => {
    expect(
      sessionDetailsOf({
        'sightline.session.name': 'Refund chat',
        'sightline.label.team': 'billing',
        'sightline.label.attempt': 2,
        'sightline.label.sightline_sdk_version': '0.1.0',
        'gen_ai.conversation.id': 'conv-1',
      }),
    ).toEqual({ name: 'Refund chat', labels: { team: 'billing', attempt: '2' } });
    expect(sessionDetailsOf({ 'gen_ai.conversation.id': 'conv-1', 'sightline.label.sightline_os': 'linux' })).toBeNull();
  });

  it('keeps a name once given, the first value of a label, and at most 64 labels', () => {
    const first = { name: null, labels: { team: 'billing' } };
    const second = { name: 'Refund chat', labels: { team: 'support', tier: 'gold' } };
    expect(mergeSessionDetails(first, second)).toEqual({ name: 'Refund chat', labels: { team: 'billing', tier: 'gold' } });
    expect(mergeSessionDetails(second, { name: 'Other', labels: {} })?.name).toBe('Refund chat');
    const many = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`sightline.label.k${i}`, 'v']));
    expect(Object.keys(sessionDetailsOf(many)?.labels ?? {})).toHaveLength(MAX_SESSION_LABELS);
  });
});
