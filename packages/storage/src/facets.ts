/** Values shown per facet when no limit is given. */
export const DEFAULT_FACET_VALUES = 50;

/**
 * What a time range holds, for filter pickers. The range is widened to the whole UTC hours it
 * touches (facets are read from hourly rollups); open ends mean everything.
 */
export interface FacetsQuery {
  readonly project: string;
  readonly from?: bigint;
  readonly to?: bigint;
  /** Most values per facet, the most frequent first (1..1000, default {@link DEFAULT_FACET_VALUES}). */
  readonly limit?: number;
}

/** A value seen in the range, and how many spans or calls had it. */
export interface FacetValue {
  readonly value: string;
  readonly count: number;
}

/**
 * Services and span names count spans (in an hour with more than 1,000 distinct service and
 * span name pairs, spans of the further pairs count for their service only); models (served, else requested), providers, operations and
 * routes count the calls that count. Values are ordered by count, then value.
 */
export interface Facets {
  readonly services: FacetValue[];
  readonly spanNames: FacetValue[];
  readonly models: FacetValue[];
  readonly providers: FacetValue[];
  readonly operations: FacetValue[];
  readonly routes: FacetValue[];
  /** Distinct users and sessions of the calls that count. */
  readonly users: number;
  readonly sessions: number;
}
