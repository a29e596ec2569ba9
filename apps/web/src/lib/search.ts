/**
 * URL query strings as the API spells them — plain `key=value`, repeated keys for lists — so a
 * page's URL reads like the API call behind it and can be shared as it is.
 */
export type RawSearch = Record<string, string | string[]>;

export function parseSearch(text: string): RawSearch {
  const out: RawSearch = {};
  for (const [key, value] of new URLSearchParams(text.startsWith('?') ? text.slice(1) : text)) {
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else out[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

export function stringifySearch(search: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(search)) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** A single string parameter (the first, if repeated). */
export function str(search: RawSearch, key: string): string | undefined {
  const v = search[key];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
}

/** A repeated parameter as a list. */
export function list(search: RawSearch, key: string): string[] | undefined {
  const v = search[key];
  if (v === undefined) return undefined;
  const items = (Array.isArray(v) ? v : [v]).filter((s) => s !== '');
  return items.length ? items : undefined;
}
