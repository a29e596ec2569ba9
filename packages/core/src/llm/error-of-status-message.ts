import { SDK_ERROR_OF_STATUS } from './sdk-error-classes.js';

/** What a free-text error message (a span's or an observation's status message) says. */
export interface MessageError {
  /** A short error type: a class or code name, never the whole message. */
  readonly type: string;
  /** The HTTP status the message names, when it names one. */
  readonly statusCode: number | null;
  /** Where the type came from: an HTTP status, a message that is a name, or a message's text. */
  readonly kind: 'http status' | 'name' | 'text';
}

const MAX_TYPE_LENGTH = 60;

/**
 * A readable error type from a message such as Langfuse's `status_message`, which holds
 * `str(exception)`: for the provider SDKs' HTTP errors that is `Error code: 429 - {…body…}`,
 * named here by the class the SDK raised. An identifier-like message is its own type; any
 * other message is cut to its first line, at most 60 characters. Null for an empty message.
 *
 * @example
 * errorOfStatusMessage("Error code: 429 - {'error': {...}}") // { type: 'RateLimitError', statusCode: 429, … }
 */
export function errorOfStatusMessage(message: string): MessageError | null {
  const text = message.trim();
  if (text === '') return null;
  const http = /^Error code: (\d{3})\b/.exec(text);
  if (http) {
    const status = Number(http[1]);
    const type = SDK_ERROR_OF_STATUS.get(status) ?? (status >= 500 ? 'InternalServerError' : 'APIStatusError');
    return { type, statusCode: status, kind: 'http status' };
  }
  if (/^[A-Za-z_][\w.:-]*$/.test(text) && text.length <= MAX_TYPE_LENGTH) return { type: text, statusCode: null, kind: 'name' };
  const line = text.split('\n', 1)[0] as string;
  const short = line.length > MAX_TYPE_LENGTH ? `${line.slice(0, MAX_TYPE_LENGTH - 1)}…` : line;
  return { type: short, statusCode: null, kind: 'text' };
}
