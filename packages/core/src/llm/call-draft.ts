import type { AnyValue, Attributes } from '../model/any-value.js';
import type { Span } from '../model/span.js';
import type { LlmCall, Provenance } from './llm-call.js';

/** The fields a vocabulary mapper fills; the rest (ids, times, derived figures) are filled after. */
export type DraftFields = {
  -readonly [K in keyof LlmCall]?: LlmCall[K];
};

/**
 * A call being read from one span in one vocabulary: the fields found so far and, for each,
 * the attribute (or event, or derivation) it came from.
 */
export class CallDraft {
  readonly fields: DraftFields = {};
  readonly provenance: Record<string, Provenance> = {};
  readonly attrs: Attributes;

  /**
   * @param prefixes the marking namespaces the span's keys use (see `keyPrefixes`).
   * @param recordProvenance false to skip recording where each field came from.
   */
  constructor(
    readonly span: Span,
    readonly vocabulary: string,
    readonly prefixes: number,
    private readonly recordProvenance = true,
  ) {
    this.attrs = span.attributes;
  }

  /** Sets a field (unless it is already set) and records why. */
  set<K extends keyof DraftFields>(
    field: K,
    value: DraftFields[K] | null | undefined,
    rule: string,
    vocabulary = this.vocabulary,
  ): boolean {
    if (value === null || value === undefined) return false;
    if (this.fields[field] !== undefined && this.fields[field] !== null) return false;
    this.fields[field] = value;
    if (this.recordProvenance) this.provenance[field] = { vocabulary, rule };
    return true;
  }

  /** Sets `field` from the first of `keys` that holds a usable value. */
  take<K extends keyof DraftFields>(
    field: K,
    keys: readonly string[],
    convert: (v: AnyValue | undefined) => DraftFields[K] | null,
  ): boolean {
    // `set` would refuse it anyway: do not convert what cannot be used.
    if (this.fields[field] !== undefined && this.fields[field] !== null) return false;
    for (const key of keys) {
      if (!Object.hasOwn(this.attrs, key)) continue;
      if (this.set(field, convert(this.attrs[key]), key)) return true;
    }
    return false;
  }

  /** Whether where each field came from is recorded: a rule worth building only then. */
  get recordsProvenance(): boolean {
    return this.recordProvenance;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.attrs, key);
  }

  get(key: string): AnyValue | undefined {
    return Object.hasOwn(this.attrs, key) ? this.attrs[key] : undefined;
  }
}
