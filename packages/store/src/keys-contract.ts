import type { ApiKey, KeyStore } from "@treatywatch/core";
import { describe, expect, it } from "vitest";

let sequence = 0;

function aKey(overrides: Partial<ApiKey> = {}): ApiKey {
  sequence++;
  return {
    id: `key_${sequence}`,
    tenantId: "tnt_unset",
    prefix: `tw_prefix${sequence}`,
    hash: `hash-${sequence}`,
    scopes: ["read"],
    createdAt: `2026-01-01T00:00:${String(sequence % 60).padStart(2, "0")}.000Z`,
    ...overrides,
  };
}

/** A key of a tenant that exists, as a key always belongs to one. */
async function aTenantKey(keys: KeyStore, tenantName: string, overrides: Partial<ApiKey> = {}): Promise<ApiKey> {
  const tenant = await keys.ensureTenant(tenantName, "2026-01-01T00:00:00.000Z");
  return aKey({ tenantId: tenant.id, ...overrides });
}

/** The behaviour every KeyStore adapter shares. */
export function keyStoreContract(name: string, open: () => Promise<KeyStore>): void {
  describe(`${name} KeyStore`, () => {
    it("creates a tenant once per name and finds it by id", async () => {
      const keys = await open();

      const first = await keys.ensureTenant("Mine Action Desk", "2026-01-01T00:00:00.000Z");
      const again = await keys.ensureTenant("Mine Action Desk", "2026-02-01T00:00:00.000Z");

      expect(again).toEqual(first);
      expect(first.createdAt).toBe("2026-01-01T00:00:00.000Z");
      expect(await keys.getTenant(first.id)).toEqual(first);
      expect(await keys.getTenant("tnt_missing")).toBeUndefined();
    });

    it("keeps a tenant's contact address until it is cleared, and sets none for an unknown tenant", async () => {
      const keys = await open();
      const tenant = await keys.ensureTenant("Contact Desk", "2026-01-01T00:00:00.000Z");

      const set = await keys.setTenantContact(tenant.id, "ops@contact-desk.example");
      const afterSet = await keys.getTenant(tenant.id);
      const again = await keys.ensureTenant("Contact Desk", "2026-02-01T00:00:00.000Z");
      const cleared = await keys.setTenantContact(tenant.id, undefined);
      const afterClear = await keys.getTenant(tenant.id);

      expect(tenant.contactEmail).toBeUndefined();
      expect(set).toBe(true);
      expect(afterSet?.contactEmail).toBe("ops@contact-desk.example");
      expect(again.contactEmail).toBe("ops@contact-desk.example");
      expect(cleared).toBe(true);
      expect(afterClear).toEqual(tenant);
      expect(await keys.setTenantContact("tnt_missing", "x@example.org")).toBe(false);
    });

    it("finds a saved key by its hash, and nothing by another hash", async () => {
      const keys = await open();
      const key = await aTenantKey(keys, "Landmine Monitor Desk", { scopes: ["read", "write"] });

      await keys.saveKey(key);

      expect(await keys.findKeyByHash(key.hash)).toEqual(key);
      expect(await keys.findKeyByHash("hash-unknown")).toBeUndefined();
    });

    it("lists one tenant's keys oldest first, or every tenant's", async () => {
      const keys = await open();
      const older = await aTenantKey(keys, "Treaty Desk", { createdAt: "2026-01-01T00:00:00.000Z" });
      const newer = await aTenantKey(keys, "Treaty Desk", { createdAt: "2026-01-02T00:00:00.000Z" });
      const other = await aTenantKey(keys, "Clearance Desk", { createdAt: "2026-01-03T00:00:00.000Z" });
      for (const key of [newer, other, older]) await keys.saveKey(key);

      expect((await keys.listKeys(older.tenantId)).map((key) => key.id)).toEqual([older.id, newer.id]);
      expect((await keys.listKeys("tnt_nobody")).length).toBe(0);
      expect((await keys.listKeys()).map((key) => key.id)).toEqual(
        expect.arrayContaining([older.id, newer.id, other.id]),
      );
    });

    it.each([
      ["id", (key: ApiKey) => key.id],
      ["shown prefix", (key: ApiKey) => key.prefix],
    ])("revokes a live key by its %s, once", async (_by, reference) => {
      const keys = await open();
      const key = await aTenantKey(keys, "Revocation Desk");
      await keys.saveKey(key);

      const first = await keys.revokeKey(reference(key), "2026-03-01T00:00:00.000Z");
      const again = await keys.revokeKey(reference(key), "2026-03-02T00:00:00.000Z");

      expect(first).toBe(true);
      expect(again).toBe(false);
      expect((await keys.findKeyByHash(key.hash))?.revokedAt).toBe("2026-03-01T00:00:00.000Z");
      expect(await keys.revokeKey("key_unknown", "2026-03-01T00:00:00.000Z")).toBe(false);
    });
  });
}
