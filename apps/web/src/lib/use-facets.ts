import { useQuery } from '@tanstack/react-query';
import { getJson } from '../api/client';
import { type RangeValue, startOf } from './time-range';

interface FacetValue {
  readonly value: string;
  readonly count: number;
}

/** `GET /api/facets`: values seen in a time range, most frequent first. */
interface FacetsJson {
  readonly services: FacetValue[];
  readonly span_names: FacetValue[];
  readonly models: FacetValue[];
  readonly providers: FacetValue[];
  readonly operations: FacetValue[];
  readonly routes: FacetValue[];
}

/** What the filter pickers suggest. */
export interface Facets {
  readonly services: string[];
  readonly span_names: string[];
  readonly models: string[];
  readonly providers: string[];
  readonly operations: string[];
  readonly routes: string[];
}

/** Suggestions for the range; a convenience, so failures are quiet. */
export function useFacets(range: RangeValue) {
  return useQuery({
    queryKey: ['facets', range],
    queryFn: async ({ signal }): Promise<Facets> => {
      const f = await getJson<FacetsJson>('/api/facets', { start: startOf(range), limit: 200 }, signal);
      const values = (list: FacetValue[] | undefined) => (list ?? []).map((v) => v.value);
      return {
        services: values(f.services),
        span_names: values(f.span_names),
        models: values(f.models),
        providers: values(f.providers),
        operations: values(f.operations),
        routes: values(f.routes),
      };
    },
    staleTime: 60_000,
    retry: false,
  });
}
