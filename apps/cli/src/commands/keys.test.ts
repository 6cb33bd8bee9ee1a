import { hashApiKey, isWellFormedApiKey, systemClock } from "@treatywatch/core";
import { openDatabase, SqliteKeyStore } from "@treatywatch/store";
import { describe, expect, it } from "vitest";
import { createKeyCommand, listKeysCommand, revokeKeyCommand } from "./keys.ts";

function harness() {
  const runtime = { keys: new SqliteKeyStore(openDatabase(":memory:")), clock: systemClock };
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (line: string) => out.push(line), err: (line: string) => err.push(line) };
  return { runtime, out, err, io };
}

describe("treatywatch keys", () => {
  it("creates a key, prints it once alone on stdout, and keeps only its hash", async () => {
    const { runtime, out, io } = harness();

    const code = await createKeyCommand(runtime, { tenant: "acme", scopes: "read" }, io);

    const key = out[0] ?? "";
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    expect(isWellFormedApiKey(key)).toBe(true);
    const stored = await runtime.keys.findKeyByHash(hashApiKey(key));
    expect(stored?.scopes).toEqual(["read"]);
    expect(JSON.stringify(await runtime.keys.listKeys())).not.toContain(key);
  });

  it("lists keys by prefix only, then revokes one by its prefix", async () => {
    const { runtime, out, io } = harness();
    await createKeyCommand(runtime, { tenant: "acme" }, io);
    const key = out.pop() ?? "";

    await listKeysCommand(runtime, {}, io);
    const listed = out.pop() ?? "";
    const revoked = await revokeKeyCommand(runtime, `${key.slice(0, 11)}…`, io);
    const again = await revokeKeyCommand(runtime, key.slice(0, 11), io);

    expect(listed).toContain(`${key.slice(0, 11)}…`);
    expect(listed).toContain("acme\tread,write");
    expect(listed).not.toContain(key);
    expect([revoked, again]).toEqual([0, 1]);
    expect((await runtime.keys.findKeyByHash(hashApiKey(key)))?.revokedAt).toBeDefined();
  });

  it("sets the tenant's contact address with --email, and refuses one that is not an address", async () => {
    const { runtime, err, io } = harness();

    const created = await createKeyCommand(runtime, { tenant: "acme", email: "ops@acme.example" }, io);
    const refused = await createKeyCommand(runtime, { tenant: "acme", email: "ops at acme" }, io);
    const [key] = await runtime.keys.listKeys();
    const tenant = key && (await runtime.keys.getTenant(key.tenantId));

    expect([created, refused]).toEqual([0, 2]);
    expect(tenant?.contactEmail).toBe("ops@acme.example");
    expect(await runtime.keys.listKeys()).toHaveLength(1);
    expect(err.at(-1)).toContain("--email needs an email address");
  });

  it.each(["root", "", "read,owner"])("refuses scopes %j with exit code 2", async (scopes) => {
    const { runtime, out, err, io } = harness();

    const code = await createKeyCommand(runtime, { tenant: "acme", scopes }, io);

    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err[0]).toContain("scopes are read, write, admin");
  });
});
