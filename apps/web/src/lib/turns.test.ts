import { describe, expect, it } from 'vitest';
import { turnNumbers } from './turns';

describe('turns of a session', () => {
  it('number the conversation’s calls in order, leaving embeddings calls out', () => {
    const ops = ['chat', 'embeddings', 'chat', null, 'embeddings', 'text_completion'];
    expect(turnNumbers(ops.map((operation) => ({ operation })))).toEqual([1, null, 2, 3, null, 4]);
  });
});
