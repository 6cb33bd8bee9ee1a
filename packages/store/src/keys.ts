import { type ApiKey, type KeyStore, type Scope, stableId, type Tenant, type Timestamp } from "@treatywatch/core";
import type Database from "better-sqlite3";
import { migrate } from "./schema.ts";

const MIGRATIONS = [
  `
  CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
  );
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    prefix TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
  );
  CREATE INDEX api_keys_tenant ON api_keys (tenant_id);
  `,
  "ALTER TABLE tenants ADD COLUMN contact_email TEXT;",
];

interface KeyRow {
  id: string;
  tenant_id: string;
  prefix: string;
  hash: string;
  scopes: string;
  created_at: string;
  revoked_at: string | null;
}

function keyFrom(row: KeyRow): ApiKey {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    prefix: row.prefix,
    hash: row.hash,
    scopes: JSON.parse(row.scopes) as Scope[],
    createdAt: row.created_at,
    revokedAt: row.revoked_at ?? undefined,
  };
}

interface TenantRow {
  id: string;
  name: string;
  created_at: string;
  contact_email: string | null;
}

const tenantFrom = (row: TenantRow): Tenant => ({
  id: row.id,
  name: row.name,
  createdAt: row.created_at,
  ...(row.contact_email ? { contactEmail: row.contact_email } : {}),
});

/** Tenants and API key hashes in the shared SQLite database. */
export class SqliteKeyStore implements KeyStore {
  constructor(private readonly db: Database.Database) {
    migrate(db, "keys", MIGRATIONS);
  }

  async ensureTenant(name: string, now: Timestamp): Promise<Tenant> {
    this.db
      .prepare("INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING")
      .run(stableId("tnt", name), name, now);
    const row = this.db.prepare("SELECT * FROM tenants WHERE name = ?").get(name) as TenantRow;
    return tenantFrom(row);
  }

  async getTenant(id: string): Promise<Tenant | undefined> {
    const row = this.db.prepare("SELECT * FROM tenants WHERE id = ?").get(id) as TenantRow | undefined;
    return row && tenantFrom(row);
  }

  async setTenantContact(id: string, contactEmail: string | undefined): Promise<boolean> {
    const result = this.db.prepare("UPDATE tenants SET contact_email = ? WHERE id = ?").run(contactEmail ?? null, id);
    return result.changes > 0;
  }

  async saveKey(key: ApiKey): Promise<void> {
    this.db
      .prepare(
        "INSERT INTO api_keys (id, tenant_id, prefix, hash, scopes, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .run(
        key.id,
        key.tenantId,
        key.prefix,
        key.hash,
        JSON.stringify(key.scopes),
        key.createdAt,
        key.revokedAt ?? null,
      );
  }

  async findKeyByHash(hash: string): Promise<ApiKey | undefined> {
    const row = this.db.prepare("SELECT * FROM api_keys WHERE hash = ?").get(hash) as KeyRow | undefined;
    return row && keyFrom(row);
  }

  async listKeys(tenantId?: string): Promise<ApiKey[]> {
    const rows = (
      tenantId
        ? this.db.prepare("SELECT * FROM api_keys WHERE tenant_id = ? ORDER BY created_at, id").all(tenantId)
        : this.db.prepare("SELECT * FROM api_keys ORDER BY created_at, id").all()
    ) as KeyRow[];
    return rows.map(keyFrom);
  }

  async revokeKey(idOrPrefix: string, now: Timestamp): Promise<boolean> {
    const result = this.db
      .prepare("UPDATE api_keys SET revoked_at = ? WHERE (id = ? OR prefix = ?) AND revoked_at IS NULL")
      .run(now, idOrPrefix, idOrPrefix);
    return result.changes > 0;
  }
}
