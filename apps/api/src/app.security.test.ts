import { SqliteStore } from "@treatywatch/store";
import { describe, expect, it } from "vitest";
import { appWith } from "../test/factories.ts";

const preflight = (origin: string) => ({
  method: "OPTIONS",
  headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization" },
});

describe("CORS", () => {
  it("allows no browser origin unless configured", async () => {
    const app = appWith(new SqliteStore(":memory:"));

    const response = await app.request("/v1/stories", { headers: { origin: "https://reader.example.org" } });

    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("allows exactly the configured origins", async () => {
    const app = appWith(new SqliteStore(":memory:"), { corsOrigins: ["https://dashboard.example.org"] });

    const allowed = await app.request("/v1/subscriptions", preflight("https://dashboard.example.org"));
    const other = await app.request("/v1/subscriptions", preflight("https://evil.example.net"));

    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://dashboard.example.org");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("lets a configured origin read the ETag it needs to revalidate", async () => {
    const app = appWith(new SqliteStore(":memory:"), { corsOrigins: ["https://dashboard.example.org"] });

    const response = await app.request("/v1/stories", { headers: { origin: "https://dashboard.example.org" } });

    expect(response.headers.get("etag")).not.toBeNull();
    expect(response.headers.get("access-control-expose-headers")?.split(/,\s*/)).toContain("etag");
  });
});

describe("request ids", () => {
  it("echoes the caller's id, or makes one", async () => {
    const app = appWith(new SqliteStore(":memory:"));

    const given = await app.request("/health", { headers: { "x-request-id": "trace-42" } });
    const made = await app.request("/health");

    expect(given.headers.get("x-request-id")).toBe("trace-42");
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
