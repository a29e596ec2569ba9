/** Pausing a walk over a large request (see `exportRequestSteps`, `jsonExportRequestSteps`). */

/** Where a walk in steps stands: items read, and the weight at its last pause. */
export interface StepCount {
  items: number;
  readonly perStep: number;
  readonly weight: (() => number) | null;
  atPause: number;
}

/** Counts one more item; true when the walk should pause now. */
export function stepDone(count: StepCount): boolean {
  count.items++;
  const now = count.weight ? count.weight() : count.items;
  if (now - count.atPause < count.perStep) return false;
  count.atPause = now;
  return true;
}
