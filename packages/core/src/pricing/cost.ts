import type { CostBreakdown, CostSource, LlmCall } from '../llm/llm-call.js';
import type { PriceEntry, PriceTier } from './price-entry.js';
import type { PriceTable } from './price-table.js';

/** What pricing decided for a call. */
export interface CallCost {
  readonly costUsd: number | null;
  readonly costBreakdown: CostBreakdown | null;
  readonly costSource: CostSource | null;
  /** The price used, as `model (platform[, from date])`; null when none applied. */
  readonly priceModel: string | null;
}

const UNPRICED: CallCost = { costUsd: null, costBreakdown: null, costSource: null, priceModel: null };

/** What pricing reads of a call. */
export type PricedFields = Pick<
  LlmCall,
  | 'model'
  | 'requestModel'
  | 'provider'
  | 'hostProvider'
  | 'timestamp'
  | 'inputTokens'
  | 'outputTokens'
  | 'cacheReadTokens'
  | 'cacheWriteTokens'
  | 'reasoningTokens'
  | 'sourceCostUsd'
  | 'sourceCostBreakdown'
>;

const NS_PER_DAY = 86_400_000_000_000;
const MEMO_LIMIT = 4096;

type Level<T> = Map<string | null, T>;

/** Remembered prices by served model, requested model, vendor and platform, then day. */
class PriceMemo {
  private root: Level<Level<Level<Level<Map<number, Prices>>>>> = new Map();
  private size = 0;

  lookup(model: string | null, requestModel: string | null, vendor: string | null, host: string | null): Map<number, Prices> {
    let a = this.root.get(model);
    if (!a) this.root.set(model, (a = new Map()));
    let b = a.get(requestModel);
    if (!b) a.set(requestModel, (b = new Map()));
    let c = b.get(vendor);
    if (!c) b.set(vendor, (c = new Map()));
    let d = c.get(host);
    if (!d) {
      if (++this.size > MEMO_LIMIT) {
        this.root = new Map();
        this.size = 0;
        return this.lookup(model, requestModel, vendor, host);
      }
      c.set(host, (d = new Map()));
    }
    return d;
  }
}

interface Prices {
  readonly override: PriceEntry | null;
  readonly table: PriceEntry | null;
}

/**
 * Prices calls: a user's override price first, then the cost the source reported, then the
 * built-in table. A call whose model no table knows, or whose input tokens are unknown, is
 * unpriced (null cost), never $0. Which price applies to a model, vendor, platform and day is
 * remembered, since calls repeat a handful of those.
 */
export class Pricer {
  /** By model names, vendor and platform, then by day (prices change on dates). */
  private readonly memo = new PriceMemo();

  constructor(
    readonly table: PriceTable,
    readonly overrides: PriceTable | null = null,
  ) {}

  price(call: PricedFields): CallCost {
    const prices = this.pricesFor(call);
    if (prices.override) return costFrom(prices.override, call, 'override');
    if (call.sourceCostUsd !== null) {
      return { costUsd: call.sourceCostUsd, costBreakdown: call.sourceCostBreakdown, costSource: 'source', priceModel: null };
    }
    return prices.table ? costFrom(prices.table, call, 'table') : UNPRICED;
  }

  private pricesFor(call: PricedFields): Prices {
    // Nested by field, so a lookup allocates nothing; the day comes from the time in ms (exact enough).
    const byDay = this.memo.lookup(call.model, call.requestModel, call.provider, call.hostProvider);
    const day = Math.floor(Number(call.timestamp) / NS_PER_DAY);
    let found = byDay.get(day);
    if (!found) {
      found = { override: this.match(this.overrides, call), table: this.match(this.table, call) };
      if (byDay.size >= MEMO_LIMIT) byDay.clear();
      byDay.set(day, found);
    }
    return found;
  }

  private match(table: PriceTable | null, call: PricedFields): PriceEntry | null {
    if (!table) return null;
    const ctx = { vendor: call.provider, host: call.hostProvider, at: call.timestamp };
    for (const name of [call.model, call.requestModel]) {
      if (!name) continue;
      const found = table.find(name, ctx);
      if (found) return found.entry;
    }
    return null;
  }
}

/**
 * The cost of a call at one price. Input tokens count cached ones (OTel's convention), so the
 * uncached part is input − cache read − cache write; reasoning tokens are part of the output,
 * charged at the reasoning price when it differs — nothing is charged twice. Calls above a
 * long-context threshold pay that tier's prices for every token.
 */
export function costFrom(entry: PriceEntry, call: PricedFields, source: CostSource): CallCost {
  const input = call.inputTokens;
  if (input === null) return { ...UNPRICED, priceModel: label(entry) };
  const p = tierFor(entry, input);
  const read = call.cacheReadTokens;
  const write = call.cacheWriteTokens;
  const uncached = Math.max(0, input - (read ?? 0) - (write ?? 0));
  // Priced per million tokens. Written out without closures or arrays: every call at ingest is priced.
  const inputCost = uncached * (p.input / PER_MILLION);
  const readCost = read === null ? null : read * ((p.cached_input ?? p.input) / PER_MILLION);
  const writeCost = write === null ? null : write * ((p.cache_write ?? p.input) / PER_MILLION);
  let outputCost: number | null = null;
  let reasoningCost: number | null = null;
  if (call.outputTokens !== null) {
    const reasoning = Math.min(call.reasoningTokens ?? 0, call.outputTokens);
    outputCost = (call.outputTokens - reasoning) * (p.output / PER_MILLION);
    if (call.reasoningTokens !== null) reasoningCost = reasoning * ((entry.reasoning ?? p.output) / PER_MILLION);
  }
  // The known parts, summed in this order from 0 (as a reduce from 0 did: the same float result).
  let total = 0 + inputCost;
  if (readCost !== null) total += readCost;
  if (writeCost !== null) total += writeCost;
  if (outputCost !== null) total += outputCost;
  if (reasoningCost !== null) total += reasoningCost;
  return {
    costUsd: round(total),
    costBreakdown: {
      input: round(inputCost),
      cacheRead: round(readCost),
      cacheWrite: round(writeCost),
      output: round(outputCost),
      reasoning: round(reasoningCost),
    },
    costSource: source,
    priceModel: label(entry),
  };
}

const PER_MILLION = 1_000_000;

/** The long-context tier `input` tokens fall in (the highest threshold below it), or the base prices. */
function tierFor(entry: PriceEntry, input: number): PriceEntry | PriceTier {
  const tiers = entry.tiers ?? [];
  for (let i = tiers.length - 1; i >= 0; i--) {
    const tier = tiers[i] as PriceTier;
    if (input > tier.above) return tier;
  }
  return entry;
}

const labels = new WeakMap<PriceEntry, string>();

function label(entry: PriceEntry): string {
  const known = labels.get(entry);
  if (known !== undefined) return known;
  const where = [entry.platform, entry.from ? `from ${entry.from}` : null].filter(Boolean).join(', ');
  const text = where ? `${entry.model} (${where})` : entry.model;
  labels.set(entry, text);
  return text;
}

function round<T extends number | null>(v: T): T {
  return (v === null ? null : Math.round(v * 1e12) / 1e12) as T;
}
