import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

describe("loadConfig", () => {
  it("gives working defaults for an empty environment", () => {
    const config = loadConfig({});

    expect(config).toMatchObject({ host: "127.0.0.1", port: 8787, logLevel: "info" });
    expect(config.databasePath).toMatch(/data\/treatywatch\.db$/);
    expect(config.fetch.userAgent).toContain("treatywatch/");
  });

  it("treats empty strings as unset", () => {
    expect(loadConfig({ PORT: "" }).port).toBe(8787);
  });

  it.each([
    ["PORT", "eighty", "PORT"],
    ["PORT", "70000", "PORT"],
    ["LOG_LEVEL", "loud", "LOG_LEVEL"],
    ["TREATYWATCH_FETCH_CONCURRENCY", "0", "TREATYWATCH_FETCH_CONCURRENCY"],
    ["TREATYWATCH_CONTACT_URL", "ftp://example.org", "TREATYWATCH_CONTACT_URL"],
    ["TREATYWATCH_SECRET_KEY", Buffer.alloc(16).toString("base64"), "TREATYWATCH_SECRET_KEY"],
    ["TREATYWATCH_SECRET_KEY_OLD", `${Buffer.alloc(32).toString("base64")},short`, "TREATYWATCH_SECRET_KEY_OLD"],
    ["TREATYWATCH_SMTP_URL", "http://mail.example.org", "TREATYWATCH_SMTP_URL"],
    ["TREATYWATCH_TRUSTED_PROXIES", "-1", "TREATYWATCH_TRUSTED_PROXIES"],
    ["TREATYWATCH_PUBLIC_SIGNUPS", "yes", "TREATYWATCH_PUBLIC_SIGNUPS"],
    ["TREATYWATCH_PUBLIC_TENANT", "Public Readers", "TREATYWATCH_PUBLIC_TENANT"],
  ])("refuses %s=%s and names the variable", (name, value, named) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${named}: `));
  });

  it("decodes the secret key and the old keys kept for rotation", () => {
    const [current, old] = [Buffer.alloc(32, 1), Buffer.alloc(32, 2)];

    const config = loadConfig({
      TREATYWATCH_SECRET_KEY: current.toString("base64"),
      TREATYWATCH_SECRET_KEY_OLD: ` ${old.toString("base64url")} ,`,
    });

    expect(config.secrets.current).toEqual(current);
    expect(config.secrets.old).toEqual([old]);
  });

  it("keeps a generated key in the data dir when none is set", () => {
    const config = loadConfig({ TREATYWATCH_DATA_DIR: "/var/lib/tw" });

    expect(config.secrets).toEqual({ current: undefined, old: [], keyFile: "/var/lib/tw/secret.key" });
  });

  it.each([
    [{}, { tenant: "public" }],
    [{ TREATYWATCH_PUBLIC_TENANT: "readers" }, { tenant: "readers" }],
    [{ TREATYWATCH_PUBLIC_SIGNUPS: "off", TREATYWATCH_PUBLIC_TENANT: "readers" }, false],
  ])("reads public sign-ups from %o", (env, expected) => {
    expect(loadConfig(env).publicSignups).toEqual(expected);
  });
});
