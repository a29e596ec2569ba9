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

/** GETs a JSON API path; throws {@link ApiError} for an error answer. */
export async function getJson<T>(path: string, params?: Params, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path + queryString(params), { signal, headers: { Accept: 'application/json', ...projectHeaders() } });
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/session') noteUnauthenticated();
    let code = 'http_error';
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { error?: { code?: string; message?: string } };
      code = body.error?.code ?? code;
      message = body.error?.message ?? message;
    } catch {
      // Not JSON: keep the status line.
    }
    throw new ApiError(res.status, code, message);
  }
  return (await res.json()) as T;
}
