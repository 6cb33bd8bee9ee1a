import type { Store } from "@treatywatch/core";

/**
 * The store's data version as of a moment after the request arrived. Requests that arrive
 * together (one turn of the event loop reads them all) share one read, made once the turn's
 * reading is done: every one of them reached the server before it, so none is answered from
 * data older than its own arrival, and a write that committed before a request was sent is
 * always seen. On a busy server this is one `PRAGMA data_version` for many requests rather
 * than one each.
 */
export class SharedDataVersion {
  #waiting: Array<{ resolve: (version: string) => void; reject: (error: unknown) => void }> | undefined;

  constructor(private readonly read: () => string) {}

  /** Resolves with a version read after this call. */
  next(): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.#waiting) {
        this.#waiting.push({ resolve, reject });
        return;
      }
      const waiting = [{ resolve, reject }];
      this.#waiting = waiting;
      setImmediate(() => {
        // Requests arriving from here on wait for the next read.
        this.#waiting = undefined;
        let version: string;
        try {
          version = this.read();
        } catch (error) {
          for (const waiter of waiting) waiter.reject(error);
          return;
        }
        for (const waiter of waiting) waiter.resolve(version);
      });
    });
  }
}

const shared = new WeakMap<Store, SharedDataVersion | null>();

/** The store's data version read after this call (shared as above); undefined when the store keeps none. */
export function dataVersionOf(store: Store): Promise<string | undefined> {
  let reader = shared.get(store);
  if (reader === undefined) {
    const read = store.dataVersion?.bind(store);
    reader = read ? new SharedDataVersion(read) : null;
    shared.set(store, reader);
  }
  return reader ? reader.next() : Promise.resolve(undefined);
}
