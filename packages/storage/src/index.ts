export {
  type AuditRow,
  auditFromRow,
  type KeyRow,
  keyFromRow,
  mergeSettings,
  type ProjectRow,
  projectFromRow,
} from './access/access-rows.js';
export * from './access/access-store.js';
export { MemoryAccess } from './access/memory-access.js';
export { filterBoolean, filterNumber, matchesFilter } from './attribute-match.js';
export { callWithContent, type StoredFigures } from './call-content.js';
export { callMatches, callQueryMatches } from './call-match.js';
export { callSortValue, parseCallSortValue, parseSessionSortValue, sessionSortValue } from './call-order.js';
export * from './call-query.js';
export type * from './call-reader.js';
export type * from './call-results.js';
export { assertSupported, type CapabilityNeeds, NO_SEARCH_INDEX } from './capabilities.js';
export type { SortOrder } from './cursor.js';
export { decodeCursor, encodeCursor, isInt64Text, type KeysetPosition } from './cursor.js';
export type * from './datasets.js';
export * from './errors.js';
export { FacetCounter, facetHours, rankFacet } from './facet-values.js';
export * from './facets.js';
export { pageByKeyset, parseBigIntValue, parseNumberValue, type SortValue, sortSql, unknownSortValue } from './keyset-page.js';
export { MemoryDatasets } from './memory/memory-datasets.js';
export { MemoryStorage, type MemoryStorageOptions } from './memory/memory-storage.js';
export { type CopyFields, copiesByCounted, fieldsFromCopies } from './merged-copies.js';
export {
  BUCKET_NS,
  type CallFigures,
  compareGroups,
  DEFAULT_METRICS_GROUPS,
  type GroupFigures,
  MetricsAccumulator,
  MetricsGroup,
  type MetricsSums,
  metricsKey,
  timeBucket,
} from './metrics/metrics-accumulator.js';
export { bucketOf, bucketValue, QuantileSketch, SKETCH_GAMMA, ZERO_BUCKET } from './metrics/quantile-sketch.js';
export { SeriesAccumulator, seriesBuckets } from './metrics/series-accumulator.js';
export * from './metrics-series.js';
export {
  MAX_GROUPS,
  type MetricAggregation,
  MetricAggregator,
  type MetricGroup,
  type MetricResult,
} from './otel-metrics/metric-aggregator.js';
export type * from './otel-metrics/otel-metric-store.js';
export { seriesIdentity } from './otel-metrics/series-identity.js';
export * from './query.js';
export type * from './results.js';
export {
  cutBetweenWords,
  jsonLeaves,
  SEARCH_SPAN_CHARS,
  SEARCH_VALUE_CHARS,
  type SearchLineSink,
  spanSearchLines,
  spanSearchText,
  writeSpanSearchLines,
} from './search-text.js';
export { foldWord, MIN_PREFIX, queryWords, searchWords, typedWords } from './search-words.js';
export { pageSessions } from './session-page.js';
export { decodeAttributes, decodeEvents, decodeLinks, emptyToShared, encodeAttributes, encodeEvents, encodeLinks } from './span-codec.js';
export { hasSpanConditions, spanMatches, spanWords, textMatches } from './span-match.js';
export { buildSpanTree, pickAttributes, type SpanPlace, treeLayout } from './span-tree.js';
export type * from './storage.js';
export {
  type GroupWriter,
  groupWriter,
  type PreparedGroup,
  type PreparedWrites,
  type TelemetryWriter,
  type WriteGroup,
} from './telemetry-writer.js';
export {
  type CallTotals,
  callTotals,
  fieldsFromTrace,
  NO_CALLS,
  resolveCounted,
  roundUsd,
  type TotalsInput,
  type TraceOwner,
  traceSessionAndUser,
} from './trace-calls.js';
export { pageSummaries, parseSortValue, sortValue } from './trace-order.js';
export {
  buildOutline,
  type OutlineCall,
  type OutlineCalls,
  type OutlineColumns,
  type OutlineSpan,
  type TraceOutline,
} from './trace-outline.js';
export type * from './trace-reader.js';
export { MAX_TRACE_MATCHES } from './trace-reader.js';
export { isBetterRoot, type RootOrder, summarizeTrace } from './trace-summary.js';
