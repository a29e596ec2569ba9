import type { Span } from '../model/span.js';
import type { CallDraft } from './call-draft.js';
import { STATUS_OF_SDK_ERROR } from './sdk-error-classes.js';
import { asInt, asString } from './values.js';

const STATUS_KEYS = ['http.response.status_code', 'http.status_code'];

/**
 * The HTTP status of a failed call, wherever the instrumentation left it. Few set
 * `http.response.status_code` on an LLM span: the OpenTelemetry OpenAI instrumentation records
 * a 429 as `error.type="RateLimitError"` with span status message `"429 Rate limit reached"`,
 * the Python SDKs' exceptions read `"Error code: 429 - {…}"`, and some put the bare status in
 * `error.type` (`"429"`). Call after `isError` is known.
 */
export function readHttpStatus(d: CallDraft): void {
  if (d.take('statusCode', STATUS_KEYS, asInt)) return;
  if (d.fields.statusCode !== undefined && d.fields.statusCode !== null) return;
  const errorType = asString(d.get('error.type'));
  if (errorType !== null && /^[45]\d\d$/.test(errorType) && d.set('statusCode', Number(errorType), 'error.type (an HTTP status)')) return;
  const span = d.span;
  // Error texts and classes are only read on a failed call: a success may carry a retried exception.
  if (d.fields.isError !== true && errorType === null) return;
  for (const e of span.events) {
    if (e.name !== 'exception') continue;
    const code = asInt(e.attributes['http.response.status_code'] ?? e.attributes['http.status_code']);
    if (d.set('statusCode', code, 'exception event http.response.status_code')) return;
    if (d.set('statusCode', statusInText(asString(e.attributes['exception.message'])), 'exception event exception.message')) return;
  }
  if (d.set('statusCode', statusInText(span.status.message || null), 'span status message')) return;
  const klass = errorType ?? exceptionType(span);
  const byClass = klass === null ? undefined : STATUS_OF_SDK_ERROR.get(klass.replace(/^.*[.:]/, ''));
  d.set('statusCode', byClass, `derived: error class ${klass} (OpenAI / Anthropic SDK)`);
}

/**
 * A 4xx/5xx status at the head of an error text (`429 Rate limit reached`,
 * `Error code: 429 - {…}`, `HTTP 503: …`, `status 429`, pydantic-ai's `ModelRateLimitError: status_code: 429, …`), or null.
 */
export function statusInText(text: string | null): number | null {
  if (!text) return null;
  const m = /^\s*(?:[\w.]*(?:Error|Exception):\s*)?(?:(?:error code|http(?: status)?|status(?:[ _]code)?)\s*[:=]?\s*)?([45]\d\d)\b/i.exec(
    text,
  );
  return m ? Number(m[1]) : null;
}

function exceptionType(span: Span): string | null {
  const e = span.events.find((x) => x.name === 'exception');
  return e ? asString(e.attributes['exception.type']) : null;
}
