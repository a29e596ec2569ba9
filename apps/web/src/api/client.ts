import { noteUnauthenticated, projectHeaders } from './project-choice';

/** An answer other than 2xx from the API, with its `{"error": {code, message}}`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Query parameters; undefined and empty values are left out, arrays repeat the key. */
export type Params = Record<string, string | number | boolean | undefined | null | readonly string[]>;

export function queryString(params: Params = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value) search.append(key, v);
    else search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The {@link ApiError} of an answer other than 2xx: its `{"error": …}`, or its status line. */
export async function apiErrorOf(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  return new ApiError(res.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `${res.status} ${res.statusText}`);
}

/** GETs a JSON API path; throws {@link ApiError} for an error answer. */
export async function getJson<T>(path: string, params?: Params, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path + queryString(params), { signal, headers: { Accept: 'application/json', ...projectHeaders() } });
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/session') noteUnauthenticated();
    throw await apiErrorOf(res);
  }
  return (await res.json()) as T;
}
