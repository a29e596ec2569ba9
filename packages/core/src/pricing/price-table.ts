import { baseName, exactName, familyName } from './model-names.js';
import type { PriceEntry, PriceTableFile } from './price-entry.js';

/** Where a call ran and when, to choose among a model's prices. */
export interface PriceContext {
  /** The model's vendor (`openai`, `anthropic`, …). */
  readonly vendor: string | null;
  /** The platform that served it (`aws.bedrock`, `azure`, …). */
  readonly host: string | null;
  /** When the call happened, ns since the epoch. */
  readonly at: bigint;
}

export interface PriceMatch {
  readonly entry: PriceEntry;
  /** How the name matched: `exact`, `base` (prefixes and version tags dropped) or `family` (date dropped). */
  readonly via: 'exact' | 'base' | 'family';
}

/**
 * A vendor (as calls spell it, see `provider-names.ts`) → the price table's platform for its
 * own API. The older spellings (`google`, `mistral`, `xai`) stay, so calls stored before the
 * spelling changed still price the same when recomputed.
 */
const FIRST_PARTY: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  'gcp.gemini': 'google',
  google: 'google',
  mistral_ai: 'mistral',
  mistral: 'mistral',
  x_ai: 'xai',
  xai: 'xai',
  deepseek: 'deepseek',
  cohere: 'cohere',
};

/**
 * Prices indexed for lookup by model name, at three levels of looseness (exact, base, family).
 * Among matches it prefers the platform that served the call, then the vendor's own, and
 * among a platform's prices the one in effect at the call's time.
 */
export class PriceTable {
  readonly entries: readonly PriceEntry[];
  readonly source: string | null;
  readonly asOf: string | null;
  private readonly byLevel = {
    exact: new Map<string, PriceEntry[]>(),
    base: new Map<string, PriceEntry[]>(),
    family: new Map<string, PriceEntry[]>(),
  };

  constructor(file: PriceTableFile) {
    this.entries = file.entries;
    this.source = file.source ?? null;
    this.asOf = file.as_of ?? null;
    for (const entry of file.entries) {
      add(this.byLevel.exact, exactName(entry.model), entry);
      add(this.byLevel.base, baseName(entry.model), entry);
      add(this.byLevel.family, familyName(entry.model), entry);
    }
  }

  /** How many distinct model ids the table prices. */
  get modelCount(): number {
    return this.byLevel.exact.size;
  }

  /** The price for `model` in this context, or null when the table does not know it. */
  find(model: string, ctx: PriceContext): PriceMatch | null {
    const tries: [string, 'exact' | 'base' | 'family'][] = [
      [exactName(model), 'exact'],
      [baseName(model), 'exact'],
      [baseName(model), 'base'],
      [familyName(model), 'base'],
      [familyName(model), 'family'],
    ];
    // The first match wins, unless a later, looser one is on the platform that served the call.
    let first: PriceMatch | null = null;
    for (const [name, level] of tries) {
      const candidates = this.byLevel[level].get(name);
      if (!candidates?.length) continue;
      const entry = choose(candidates, ctx);
      if (!entry) continue;
      const match: PriceMatch = {
        entry,
        via:
          name === exactName(model) && level === 'exact' ? 'exact' : level === 'family' || name === familyName(model) ? 'family' : 'base',
      };
      if (!ctx.host || entry.platform === ctx.host) return match;
      first ??= match;
    }
    return first;
  }
}

function add(map: Map<string, PriceEntry[]>, key: string, entry: PriceEntry): void {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  list.push(entry);
}

function choose(candidates: PriceEntry[], ctx: PriceContext): PriceEntry | null {
  const day = new Date(Number(ctx.at / 1_000_000n)).toISOString().slice(0, 10);
  const inEffect = candidates.filter((e) => e.from === null || e.from <= day);
  if (inEffect.length === 0) return null;
  const preferred = ctx.host ?? (ctx.vendor ? FIRST_PARTY[ctx.vendor] : undefined);
  const platformOrder = (e: PriceEntry) =>
    preferred && e.platform === preferred ? 0 : ctx.vendor && e.platform === FIRST_PARTY[ctx.vendor] ? 1 : 2;
  // Best platform first; within a platform and model, the latest price in effect; then a stable order.
  return [...inEffect].sort(
    (a, b) =>
      platformOrder(a) - platformOrder(b) ||
      a.model.length - b.model.length ||
      a.model.localeCompare(b.model) ||
      String(a.platform).localeCompare(String(b.platform)) ||
      String(b.from ?? '').localeCompare(String(a.from ?? '')),
  )[0] as PriceEntry;
}
