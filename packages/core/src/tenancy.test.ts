import { describe, expect, it } from "vitest";
import { apiKeyPrefix, formatApiKey, hasScope, isWellFormedApiKey, type Scope } from "./tenancy.ts";

const bytes = (seed: number) => Uint8Array.from({ length: 32 }, (_, i) => (i * 31 + seed) % 256);

describe("API keys", () => {
  it("formats a recognisable key that passes its own checksum", () => {
    const key = formatApiKey(bytes(7));

    expect(key).toMatch(/^tw_[0-9A-Za-z]{38}$/);
    expect(isWellFormedApiKey(key)).toBe(true);
    expect(apiKeyPrefix(key)).toBe(key.slice(0, 11));
  });

  it("rejects a key with one character changed", () => {
    const key = formatApiKey(bytes(3));
    const last = key.at(-1) === "a" ? "b" : "a";
    const typo = `${key.slice(0, 10)}${key[10] === "Z" ? "Y" : "Z"}${key.slice(11)}`;

    expect(isWellFormedApiKey(`${key.slice(0, -1)}${last}`)).toBe(false);
    expect(isWellFormedApiKey(typo)).toBe(false);
    expect(isWellFormedApiKey("sk_live_whatever")).toBe(false);
  });

  it.each<[Scope[], Scope, boolean]>([
    [["read"], "read", true],
    [["read"], "write", false],
    [["write"], "read", true],
    [["write"], "admin", false],
    [["admin"], "write", true],
    [[], "read", false],
  ])("scopes %j grant %s: %s", (granted, needed, expected) => {
    expect(hasScope(granted, needed)).toBe(expected);
  });
});
