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
  ])("refuses %s=%s and names the variable", (name, value, named) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${named}: `));
  });
});
