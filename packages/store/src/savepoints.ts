/**
 * Writes that stand or fall together inside a larger batch: what lets many feeds share one
 * commit while a feed whose write fails undoes its own writes alone.
 */
export interface Savepoints {
  /**
   * Runs `work` as one unit inside the batch under way (a transaction of its own outside one).
   * If it throws, every write it made is undone and the failure passed on; the batch's other
   * writes stand.
   */
  savepoint<T>(work: () => Promise<T>): Promise<T>;
}
