/** What the console reads of a call, as `GET /api/live` and `GET /api/llm-calls` give it. */
export interface LiveCall {
  readonly trace_id: string;
  readonly span_id: string;
  readonly timestamp: string;
  readonly service_name: string | null;
  readonly provider: string | null;
  readonly request_model: string | null;
  readonly model: string | null;
  readonly route_name: string | null;
  readonly operation: string | null;
  readonly input_tokens: number | null;
  readonly output_tokens: number | null;
  readonly cache_read_tokens: number | null;
  readonly cache_write_tokens: number | null;
  readonly reasoning_tokens: number | null;
  readonly ttft_ms: number | null;
  readonly duration_ms: number;
  readonly tokens_per_s: number | null;
  readonly cost_usd: number | null;
  readonly is_error: boolean;
  readonly error_type: string | null;
  readonly status_code: number | null;
  readonly session_id: string | null;
  readonly counted: boolean;
}

/** The model a call is shown under: the served one, else the requested one. */
export function modelOf(c: LiveCall): string {
  return c.model ?? c.request_model ?? '—';
}

/** How a call ended: `ok`, an HTTP error class (`4xx`, `5xx`), or `client` (failed with no HTTP status: a timeout, an exception). */
export function outcomeOf(c: LiveCall): 'ok' | '4xx' | '5xx' | 'client' {
  if (!c.is_error) return 'ok';
  if (c.status_code !== null && c.status_code >= 400 && c.status_code < 500) return '4xx';
  if (c.status_code !== null && c.status_code >= 500) return '5xx';
  return 'client';
}

/** Input tokens not read from the cache; null when not known. */
export function freshInputOf(c: LiveCall): number | null {
  if (c.input_tokens === null) return null;
  return Math.max(0, c.input_tokens - (c.cache_read_tokens ?? 0));
}
