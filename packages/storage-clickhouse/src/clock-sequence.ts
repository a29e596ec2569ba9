let last = 0;

/**
 * The first of `count` consecutive numbers above every one this process gave before, from the
 * clock in microseconds: rows numbered by two collectors keep apart and, to the microsecond, in
 * the order they were written.
 */
export function clockSequence(count: number): number {
  const first = Math.max(last + 1, Date.now() * 1000);
  last = first + Math.max(count, 1) - 1;
  return first;
}
