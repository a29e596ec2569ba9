/**
 * Each call's turn number in a session's conversation: calls that take part in it, counted in
 * time order; embeddings calls are not turns (null) — they carry no messages.
 */
export function turnNumbers(calls: readonly { readonly operation: string | null }[]): (number | null)[] {
  let n = 0;
  return calls.map((c) => (c.operation === 'embeddings' ? null : ++n));
}
