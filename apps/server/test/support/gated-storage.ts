import { MemoryStorage, type Storage, type WriteGroup } from '@sightline/storage';

export interface GatedStorage {
  readonly storage: Storage;
  /** Lets every write waiting at the gate (and every later one) through. */
  open(): void;
  /** Resolves once the gate is open: for a store built on this one that writes its own way. */
  readonly opened: Promise<void>;
  /** The number of groups in each batch written, in order. */
  readonly batches: number[];
}

/**
 * A memory store whose writes wait until the test opens the gate — a writer that has fallen
 * behind — and then fail when `fail` says so for a batch (as a store fails on data it cannot
 * take, or for the moment).
 */
export function gatedStorage(fail: (batch: readonly WriteGroup[]) => Error | null = () => null): GatedStorage {
  const memory = new MemoryStorage();
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const batches: number[] = [];
  const storage: Storage = {
    kind: 'memory',
    writer: {
      write: async (batch) => {
        await gate;
        batches.push(batch.length);
        const err = fail(batch);
        if (err) throw err;
        return memory.write(batch);
      },
    },
    reader: memory.reader,
    calls: memory.calls,
    access: memory.access,
    purger: memory,
    repricer: memory,
    close: () => memory.close(),
  };
  return { storage, open, opened: gate, batches };
}
