import type { Store } from "@treatywatch/core";
import type { Savepoints } from "@treatywatch/store";

/**
 * Runs tasks one at a time, in the order they were handed in. `items` says how many items a
 * task writes, for the size of a shared commit.
 */
export type Serializer = <T>(task: () => Promise<T>, items?: number) => Promise<T>;

/**
 * Items the tasks sharing one commit write at most. A commit rewrites every page its items
 * touched, the same index pages commit after commit: over 30,000 items of the ingest benchmark's
 * feeds, a commit a feed (50 items) wrote 5.26 pages an item to the log, 16 feeds a commit 1.78.
 * Another process waiting to write (the API beside the poller) waits no longer than this many
 * items take, about a tenth of a second.
 */
export const ITEMS_PER_COMMIT = 1_000;

interface Queued {
  task: () => Promise<unknown>;
  items: number;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Runs tasks one at a time, in the order they were handed in. Given a store with batches and
 * savepoints, the tasks waiting when the writer is free share one batch (one commit, up to
 * `maxItems` items), each in a savepoint of its own: a task that throws has its own writes undone
 * and the others stand. A task's promise settles once its batch has committed, so what it returns
 * is stored; a failed commit fails every task of the batch.
 *
 * A batch takes the tasks handed in by the next turn of the event loop, not those of a time
 * window: the caller of each (a fetch slot) waits for it, so a timer would hold fetch slots idle.
 * While one batch runs, the next gathers what arrives, so batches grow as the writer falls behind.
 */
export function createSerializer(
  store?: Pick<Store, "batch"> & Partial<Savepoints>,
  maxItems = ITEMS_PER_COMMIT,
): Serializer {
  const queue: Queued[] = [];
  let busy = false;
  const shared = store?.batch && store.savepoint ? { batch: store.batch, savepoint: store.savepoint } : undefined;

  const runBatch = async (batch: readonly Queued[]): Promise<void> => {
    const settle: Array<() => void> = [];
    const runTask = async ({ task, resolve, reject }: Queued) => {
      try {
        const value = await (shared ? shared.savepoint.call(store, task) : task());
        settle.push(() => resolve(value));
      } catch (error) {
        settle.push(() => reject(error));
      }
    };
    const runAll = async () => {
      for (const queued of batch) await runTask(queued);
    };
    try {
      await (shared ? shared.batch.call(store, runAll) : runAll());
    } catch (error) {
      // The commit failed: no task's writes stand.
      for (const { reject } of batch) reject(error);
      return;
    }
    for (const done of settle) done();
  };

  const drain = async (): Promise<void> => {
    const batch: Queued[] = [];
    let items = 0;
    while (queue.length > 0) {
      const next = queue[0];
      if (!next || (batch.length > 0 && (!shared || items + next.items > maxItems))) break;
      batch.push(next);
      items += next.items;
      queue.shift();
    }
    await runBatch(batch);
    busy = queue.length > 0;
    if (busy) setImmediate(drain);
  };

  return <T>(task: () => Promise<T>, items = 1): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push({ task, items, resolve: resolve as (value: unknown) => void, reject });
      if (busy) return;
      busy = true;
      setImmediate(drain);
    });
}
