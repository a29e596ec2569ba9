/** Marks functions this SDK installed, so nothing is wrapped twice. */
export const WRAPPED = Symbol.for('sightline.sdk.wrapped');

// biome-ignore lint/suspicious/noExplicitAny: patching arbitrary client methods
type AnyFunction = (this: any, ...args: any[]) => any;

interface Patch {
  readonly target: Record<string, unknown>;
  readonly name: string;
  readonly original: unknown;
  readonly hadOwn: boolean;
}

/** Method replacements that can all be undone. */
export class Patches {
  private readonly patches: Patch[] = [];

  /** Replaces `target[name]` with `make(original)`; false when there is nothing to wrap or it is wrapped already. */
  wrap(target: object | null | undefined, name: string, make: (original: AnyFunction) => AnyFunction): boolean {
    if (!target) return false;
    const t = target as Record<string, unknown>;
    const original = t[name];
    if (typeof original !== 'function' || (original as { [WRAPPED]?: boolean })[WRAPPED]) return false;
    const wrapped = make(original as AnyFunction);
    Object.defineProperty(wrapped, WRAPPED, { value: true });
    Object.defineProperty(wrapped, 'name', { value: (original as AnyFunction).name });
    this.patches.push({ target: t, name, original, hadOwn: Object.hasOwn(t, name) });
    t[name] = wrapped;
    return true;
  }

  /** Puts every original back, newest first. */
  restore(): void {
    for (const p of this.patches.reverse()) {
      if (p.hadOwn) p.target[p.name] = p.original;
      else delete p.target[p.name];
    }
    this.patches.length = 0;
  }

  get size(): number {
    return this.patches.length;
  }
}
