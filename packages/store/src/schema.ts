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

/**
 * Applies a module's schema steps that have not run yet. Each adapter module
 * (news, subscriptions, queue, ...) owns its own numbered steps, so modules
 * evolve independently in one database file.
 */
export function migrate(db: Database.Database, module: string, steps: readonly string[]): void {
  db.exec("CREATE TABLE IF NOT EXISTS schema_versions (module TEXT PRIMARY KEY, version INTEGER NOT NULL)");
  const current =
    (db.prepare("SELECT version FROM schema_versions WHERE module = ?").pluck().get(module) as number | undefined) ?? 0;
  for (let next = current; next < steps.length; next++) {
    db.transaction(() => {
      db.exec(steps[next] ?? "");
      db.prepare(
        "INSERT INTO schema_versions (module, version) VALUES (?, ?) ON CONFLICT (module) DO UPDATE SET version = excluded.version",
      ).run(module, next + 1);
    })();
  }
}
