/** A query the backend cannot answer (see `ReaderCapabilities`). */
export class UnsupportedQueryError extends Error {
  override readonly name = 'UnsupportedQueryError';
}

/** A cursor that this backend did not issue, or issued for a different ordering. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  constructor() {
    super('cursor is not valid for this query (it must come from next_cursor of the same query)');
  }
}

/** The backend was closed. */
export class StorageClosedError extends Error {
  override readonly name = 'StorageClosedError';
  constructor() {
    super('storage is closed');
  }
}
