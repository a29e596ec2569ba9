/** A query the backend cannot answer (see `ReaderCapabilities`). */
export class UnsupportedQueryError extends Error {
  override readonly name = 'UnsupportedQueryError';
  constructor(
    message: string,
    /** The part of the query refused: free text, attribute filters, offset paging. */
    readonly part: 'text' | 'attributes' | 'offset',
  ) {
    super(message);
  }
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

/**
 * A write failed for a reason that passes — the disk is full, the database is busy, the
 * writer is restarting — so the same data can be written later. Anything else a write
 * throws is about the data itself and would fail again.
 */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
  constructor(
    message: string,
    /** When to try again, in seconds. */
    readonly retryAfterSeconds = 5,
    /** The backend's own error code, when it gave one. */
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * A write failed because the store refuses writes until an operator acts — the database file
 * or its folder is read-only, permission is denied — rather than because of the data or the
 * moment. Clients are told so (HTTP 500 with the reason, not "retry later"), and the backend
 * reports it in its health (`StorageHealth.writeProblem`) until a write succeeds again.
 */
export class StorageRefusesWritesError extends Error {
  override readonly name = 'StorageRefusesWritesError';
  constructor(
    message: string,
    /** The backend's own error code, when it gave one. */
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * A read met damage in the stored data: a corrupt page, a file that is not a database. Asking
 * again will not help; the backend goes on answering what does not touch the damage, and
 * reports it in its health (`StorageHealth.damage`).
 */
export class StorageDamagedError extends Error {
  override readonly name = 'StorageDamagedError';
}
