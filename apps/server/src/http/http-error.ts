/** Machine-readable error codes of the API's `{"error": {"code", "message"}}` bodies. */
export type ErrorCode =
  | 'invalid_argument'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unavailable'
  | 'conflict'
  | 'unauthenticated'
  | 'forbidden'
  | 'resource_exhausted'
  | 'internal';

/** An error that becomes an HTTP response with this status and body. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HttpError(400, 'invalid_argument', message);
export const notFound = (message: string) => new HttpError(404, 'not_found', message);
