import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

/** Opens (and creates) a SQLite database in WAL mode, as every embedded adapter expects. */
export function openDatabase(path: string): Database.Database {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  // Checkpoints every 64 MiB of log rather than 4: a page ingest rewrites often (an index leaf, a
  // busy story) is copied into the database once per checkpoint, however many commits changed it
  // (over 100,000 items of the ingest benchmark, commits took 49 µs an item against 71 at 16 MiB).
  db.pragma("wal_autocheckpoint = 16000");
  db.pragma("foreign_keys = ON");
  // Savepoint journals in memory: ingest gives each item a savepoint inside its feed's transaction,
  // and in a temporary file each copied out every page the item changed, a write call a page: more
  // than half of ingest's write calls. A savepoint changes a few dozen pages at most. The setting
  // holds for every temporary store of the connection (the API's too: its sorts and temporary
  // tables), none of which grows past a page of stories here.
  db.pragma("temp_store = MEMORY");
  return db;
}

/** How long a connection waits for another that is migrating: a step may rewrite a large table. */
const MIGRATION_WAIT_MS = 600_000;

/**
 * Applies a module's schema steps that have not run yet. Each adapter module
 * (news, subscriptions, queue, ...) owns its own numbered steps, so modules
 * evolve independently in one database file. Processes that open one database at once (the
 * API and the poller of `serve`) take turns: each step runs in a write transaction that reads
 * the version inside it, so a step another process has applied meanwhile is not applied again,
 * and a process waits for another's step rather than failing after the usual busy timeout.
 */
export function migrate(db: Database.Database, module: string, steps: readonly string[]): void {
  db.exec("CREATE TABLE IF NOT EXISTS schema_versions (module TEXT PRIMARY KEY, version INTEGER NOT NULL)");
  const version = db.prepare("SELECT version FROM schema_versions WHERE module = ?").pluck();
  // Up to date, as on nearly every open: no write lock is taken.
  if (((version.get(module) as number | undefined) ?? 0) >= steps.length) return;
  const busyTimeout = db.pragma("busy_timeout", { simple: true }) as number;
  db.pragma(`busy_timeout = ${Math.max(busyTimeout, MIGRATION_WAIT_MS)}`);
  try {
    const record = db.prepare(
      "INSERT INTO schema_versions (module, version) VALUES (?, ?) ON CONFLICT (module) DO UPDATE SET version = excluded.version",
    );
    const step = db.transaction((): boolean => {
      const next = (version.get(module) as number | undefined) ?? 0;
      if (next >= steps.length) return false;
      db.exec(steps[next] ?? "");
      record.run(module, next + 1);
      return true;
    });
    while (step.immediate()) {
      // One step a transaction, each seeing what the last committed.
    }
  } finally {
    db.pragma(`busy_timeout = ${busyTimeout}`);
  }
}
