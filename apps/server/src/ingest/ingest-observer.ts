import type { WriteGroup } from '@sightline/storage';
import type { Committed } from './ingest-queue.js';

/**
 * Hears of spans as ingest commits them (the live stream does). `beforeCommit` sees every
 * group of spans before it is queued, while its decoded spans are still at hand, so it must
 * cost next to nothing when it has no use for them: it then returns null and hears no more of
 * that group. Whatever else it returns is handed to `committed` once the group is durable,
 * before the request is answered: `committed` must return at once and never throw.
 */
export interface IngestObserver<T> {
  beforeCommit(group: WriteGroup): T | null;
  committed(token: T, committed: Committed): void;
}
