/** The error classes the official `openai` and `anthropic` SDKs (Python and JS) raise for exactly one HTTP status each. */
export const SDK_ERROR_OF_STATUS: ReadonlyMap<number, string> = new Map([
  [400, 'BadRequestError'],
  [401, 'AuthenticationError'],
  [403, 'PermissionDeniedError'],
  [404, 'NotFoundError'],
  [409, 'ConflictError'],
  [422, 'UnprocessableEntityError'],
  [429, 'RateLimitError'],
]);

/** The HTTP status each of those classes stands for. */
export const STATUS_OF_SDK_ERROR: ReadonlyMap<string, number> = new Map([...SDK_ERROR_OF_STATUS].map(([status, name]) => [name, status]));
