import { issueApiKey } from "@treatywatch/api";
import { type ApiKey, type KeyStore, SCOPES, type Scope } from "@treatywatch/core";
import { z } from "zod";
import type { Runtime } from "../runtime.ts";

export type KeysRuntime = Pick<Runtime, "keys" | "clock">;

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

const stdio: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export function parseScopes(list: string): Scope[] | string {
  const scopes = list
    .split(",")
    .map((scope) => scope.trim())
    .filter(Boolean);
  const unknown = scopes.filter((scope) => !(SCOPES as readonly string[]).includes(scope));
  if (unknown.length > 0 || scopes.length === 0) return `scopes are ${SCOPES.join(", ")}; got ${list}`;
  return scopes as Scope[];
}

const ContactEmail = z.email().max(254);

/**
 * `keys create`: prints the new key once, on stdout alone, so it can be piped into a
 * secret store. `--email` sets the tenant's contact address for notices.
 */
export async function createKeyCommand(
  runtime: KeysRuntime,
  options: { tenant: string; scopes?: string | undefined; email?: string | undefined },
  io: Output = stdio,
): Promise<number> {
  const scopes = parseScopes(options.scopes ?? "read,write");
  if (typeof scopes === "string") {
    io.err(`treatywatch keys: ${scopes}`);
    return 2;
  }
  const email = options.email === undefined ? undefined : ContactEmail.safeParse(options.email.trim());
  if (email && !email.success) {
    io.err(`treatywatch keys: --email needs an email address; got ${options.email}`);
    return 2;
  }
  const tenant = options.tenant.trim();
  if (!tenant) {
    io.err("treatywatch keys: --tenant needs a name");
    return 2;
  }
  const { key, record } = await issueApiKey(runtime.keys, { tenant, scopes, now: runtime.clock.now().toISOString() });
  if (email?.success) await runtime.keys.setTenantContact(record.tenantId, email.data);
  io.out(key);
  io.err(`key ${record.id} (${record.prefix}…) for tenant ${tenant}, scopes ${record.scopes.join(",")}.`);
  if (email?.success) io.err(`Notices for tenant ${tenant} go to ${email.data}.`);
  io.err("It is shown this once; only its hash is kept.");
  return 0;
}

function describe(key: ApiKey, tenants: Map<string, string>): string {
  const state = key.revokedAt ? `revoked ${key.revokedAt}` : "active";
  return [
    key.id,
    `${key.prefix}…`,
    tenants.get(key.tenantId) ?? key.tenantId,
    key.scopes.join(","),
    key.createdAt,
    state,
  ].join("\t");
}

async function tenantNames(keys: KeyStore, list: readonly ApiKey[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const key of list) {
    if (names.has(key.tenantId)) continue;
    names.set(key.tenantId, (await keys.getTenant(key.tenantId))?.name ?? key.tenantId);
  }
  return names;
}

/** `keys list`: one key a line, tab-separated, never more of a key than its prefix. */
export async function listKeysCommand(
  runtime: KeysRuntime,
  options: { tenant?: string | undefined },
  io: Output = stdio,
): Promise<number> {
  const tenantId = options.tenant
    ? (await runtime.keys.ensureTenant(options.tenant, runtime.clock.now().toISOString())).id
    : undefined;
  const list = await runtime.keys.listKeys(tenantId);
  const tenants = await tenantNames(runtime.keys, list);
  for (const key of list) io.out(describe(key, tenants));
  if (list.length === 0) io.err("no keys");
  return 0;
}

/** `keys revoke ID|PREFIX`: the key stops working at once. */
export async function revokeKeyCommand(runtime: KeysRuntime, idOrPrefix: string, io: Output = stdio): Promise<number> {
  const revoked = await runtime.keys.revokeKey(idOrPrefix.replace(/…$/, ""), runtime.clock.now().toISOString());
  if (!revoked) {
    io.err(`treatywatch keys: no active key ${idOrPrefix}`);
    return 1;
  }
  io.err(`revoked ${idOrPrefix}`);
  return 0;
}
