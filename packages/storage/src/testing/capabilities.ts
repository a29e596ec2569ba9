import type { Purger, Repricer, Storage } from '../storage.js';

/** The store's purger; a backend under test without one fails here rather than skipping. */
export function purgerOf(store: Storage): Purger {
  if (!store.purger) throw new Error(`${store.kind} has no purger`);
  return store.purger;
}

/** The store's repricer; a backend under test without one fails here rather than skipping. */
export function repricerOf(store: Storage): Repricer {
  if (!store.repricer) throw new Error(`${store.kind} has no repricer`);
  return store.repricer;
}
