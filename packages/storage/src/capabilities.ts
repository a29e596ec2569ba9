import { UnsupportedQueryError } from './errors.js';
import type { AttributeFilter } from './query.js';
import type { ReaderCapabilities } from './trace-reader.js';

/** What of a query a capability may rule out. */
export interface CapabilityNeeds {
  readonly attributes?: readonly AttributeFilter[];
  readonly text?: string;
  readonly offset?: number;
}

/** Why a store with `capabilities` cannot answer `query` exactly, or null when it can. */
export function unsupportedBy(capabilities: ReaderCapabilities, query: CapabilityNeeds): UnsupportedQueryError | null {
  const filters = query.attributes ?? [];
  if (!capabilities.attributeFilters && filters.some((f) => f.target === 'span'))
    return new UnsupportedQueryError('this store cannot filter by span attributes (attr.*)', 'attributes');
  if (!capabilities.resourceAttributeFilters && filters.some((f) => f.target === 'resource'))
    return new UnsupportedQueryError('this store cannot filter by resource attributes (resource.*)', 'attributes');
  if (!capabilities.textSearch && query.text !== undefined)
    return new UnsupportedQueryError('free-text search is off: this store keeps no search index', 'text');
  if (!capabilities.offsetPaging && (query.offset ?? 0) > 0)
    return new UnsupportedQueryError('this store cannot page by offset; page with the cursor', 'offset');
  return null;
}

/** Throws the {@link UnsupportedQueryError} of a query the store cannot answer exactly (see {@link unsupportedBy}). */
export function assertSupported(capabilities: ReaderCapabilities, query: CapabilityNeeds): void {
  const refused = unsupportedBy(capabilities, query);
  if (refused !== null) throw refused;
}
