/**
 * What metrics sum of the calls that count, each as its name and its aggregate over `llm_calls`:
 * the sums, then the quantile sketches' bucket counts as maps (bucket → calls). `sumMap` of a
 * one-entry map, not of a pair of one-element arrays: a third less time over millions of calls.
 * The order is the order of the sums in the hourly rollups' tuples (schema 006, after the six
 * dimensions).
 */
const CALL_SUMS: readonly (readonly [name: string, aggregate: string])[] = [
  ['calls', 'count()'],
  ['errors', 'countIf(is_error = 1)'],
  ['input', 'sum(ifNull(input_tokens, 0))'],
  ['output', 'sum(ifNull(output_tokens, 0))'],
  ['cache_read', 'sum(ifNull(cache_read_tokens, 0))'],
  ['cache_write', 'sum(ifNull(cache_write_tokens, 0))'],
  ['reasoning', 'sum(ifNull(reasoning_tokens, 0))'],
  ['total', 'sum(ifNull(total_tokens, 0))'],
  ['cost', 'sum(ifNull(cost_usd, 0))'],
  ['priced', 'countIf(cost_usd IS NOT NULL)'],
  ['latency', 'sumMap(map(latency_bucket, toUInt64(1)))'],
  ['ttft', 'sumMapIf(map(assumeNotNull(ttft_bucket), toUInt64(1)), ttft_bucket IS NOT NULL)'],
  ['rate', 'sumMapIf(map(assumeNotNull(rate_bucket), toUInt64(1)), rate_bucket IS NOT NULL)'],
];

/** Sums that are sketch bucket maps: added up with `sumMap` rather than `sum`. */
const SKETCHES = new Set(['latency', 'ttft', 'rate']);

/** The sums over `llm_calls` rows, each named `<prefix><name>`. */
export function callSumsSql(prefix = ''): string {
  return CALL_SUMS.map(([name, aggregate]) => `${aggregate} AS ${prefix}${name}`).join(', ');
}

/** The sums over rows that already hold sums named `r_<name>` (a rollup's groups), each named `<name>`. */
export function rolledUpSumsSql(): string {
  return CALL_SUMS.map(([name]) => `${SKETCHES.has(name) ? 'sumMap' : 'sum'}(r_${name}) AS ${name}`).join(', ');
}

/** The `r_<name>` columns, in tuple order. */
export function rolledUpColumnsSql(): string {
  return CALL_SUMS.map(([name]) => `r_${name}`).join(', ');
}

/** A rollup group's tuple `g` taken apart into `r_<name>` columns: the sums start at element `first`. */
export function rolledUpElementsSql(g: string, first: number): string {
  return CALL_SUMS.map(([name], i) => `${g}.${first + i} AS r_${name}`).join(', ');
}
