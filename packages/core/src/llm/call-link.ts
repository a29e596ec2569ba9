import type { CallRole } from './call-role.js';

/** What deciding duplicates needs to know of a call; `K` is how spans are named (span ids by default). */
export interface CallLink<K = string> {
  readonly spanId: K;
  readonly vocabulary: string;
  readonly model: string | null;
  readonly requestModel: string | null;
  readonly inputTokens: number | null;
  /** The provider's response id or the gateway's request id. */
  readonly requestId: string | null;
  /** The span's start, ns since the epoch; with `durationMs`, when the call ran. */
  readonly timestamp: bigint;
  readonly durationMs: number;
  /** Which instrumentation layer recorded the call (see `callRole`); absent or null: unknown. */
  readonly role?: CallRole | null;
}

/** Vocabularies that record calls as a gateway sees them. */
export const GATEWAY_VOCABULARIES: ReadonlySet<string> = new Set(['plano', 'racto']);

/** Both carry the same response or request id, or name the same model (a dated suffix aside). */
export function sameModel<K>(a: CallLink<K>, b: CallLink<K>): boolean {
  if (a.requestId !== null && a.requestId === b.requestId) return true;
  const names = (c: CallLink<K>) => [c.model, c.requestModel].filter((n): n is string => !!n).map((n) => n.toLowerCase());
  const an = names(a);
  return names(b).some((n) => an.some((m) => m === n || m.startsWith(`${n}-`) || n.startsWith(`${m}-`)));
}
