import { UnsupportedQueryError } from './errors.js';
import type { AttributeFilter } from './query.js';
import type { ReaderCapabilities } from './trace-reader.js';

/** What of a query a capability may rule out. */
export interface CapabilityNeeds {
  readonly attributes?: readonly AttributeFilter[];
  readonly text?: string;
  readonly offset?: number;
}

/** Why a store without a search index refuses free text. */
export const NO_SEARCH_INDEX = 'free-text search is off: this store keeps no search index';

/**
 * Throws the {@link UnsupportedQueryError} of a query a store with `capabilities` cannot answer
 * exactly (span or resource attribute filters, free text, offset paging): refused, never
 * approximated. Backends call it on their own queries; the API calls it first for all of them.
 */
export function assertSupported(capabilities: ReaderCapabilities, query: CapabilityNeeds): void {
  const filters = query.attributes ?? [];
  if (!capabilities.attributeFilters && filters.some((f) => f.target === 'span'))
    throw new UnsupportedQueryError('this store cannot filter by span attributes (attr.*)', 'attributes');
  if (!capabilities.resourceAttributeFilters && filters.some((f) => f.target === 'resource'))
    throw new UnsupportedQueryError('this store cannot filter by resource attributes (resource.*)', 'attributes');
  if (!capabilities.textSearch && query.text !== undefined) throw new UnsupportedQueryError(NO_SEARCH_INDEX, 'text');
  if (!capabilities.offsetPaging && (query.offset ?? 0) > 0)
    throw new UnsupportedQueryError('this store cannot page by offset; page with the cursor', 'offset');
}
