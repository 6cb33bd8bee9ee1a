import { compileErrors, validate } from "@readme/openapi-parser";
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { SqliteStore } from "@treatywatch/store";
import { describe, expect, it } from "vitest";
import { appWith } from "../test/factories.ts";
import type { AppOptions } from "./lib/env.ts";
import { isPageRoute } from "./pages/index.tsx";

/** Routes that serve the documents themselves rather than the API they describe. */
const SELF_DESCRIBING = new Set(["/openapi.json", "/docs"]);

async function documentAndRoutes(options: AppOptions = {}) {
  const app = appWith(new SqliteStore(":memory:"), options);
  const document = (await (await app.request("/openapi.json")).json()) as {
    openapi: string;
    paths: Record<
      string,
      Record<string, { responses: Record<string, unknown>; parameters?: unknown[]; requestBody?: unknown }>
    >;
  };
  const routes = app.routes
    .filter(
      (route) =>
        route.method !== "ALL" &&
        !route.path.includes("*") &&
        !SELF_DESCRIBING.has(route.path) &&
        !isPageRoute(route.path),
    )
    .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, "{$1}")}`);
  return { document, routes };
}

describe("/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const { document } = await documentAndRoutes();

    const result = await validate(structuredClone(document) as never);

    expect(document.openapi).toBe("3.1.0");
    expect(result.valid ? "valid" : compileErrors(result)).toBe("valid");
  });

  it("describes every route the app answers, and nothing it does not", async () => {
    const { document, routes } = await documentAndRoutes();

    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );

    expect(routes.length).toBeGreaterThan(10);
    expect([...new Set(routes)].sort()).toEqual([...new Set(documented)].sort());
  });

  it("lists the error responses of every route that takes input", async () => {
    const { document } = await documentAndRoutes();

    const withoutBadRequest = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(
          ([, operation]) => (operation.parameters?.length || operation.requestBody) && !("400" in operation.responses),
        )
        .map(([method]) => `${method} ${path}`),
    );

    expect(withoutBadRequest).toEqual([]);
  });

  it("describes the webhook events subscribers receive", async () => {
    const { document } = await documentAndRoutes();

    const webhooks = (document as { webhooks?: Record<string, { post?: { requestBody?: unknown } }> }).webhooks ?? {};

    expect(Object.keys(webhooks).sort()).toEqual([
      "digest.ready",
      "story.created",
      "story.updated",
      "subscription.verify",
    ]);
    for (const event of Object.values(webhooks)) expect(event.post?.requestBody).toBeDefined();
  });

  it("passes Redocly's recommended rules without an error", async () => {
    // As deployed: a local server's document rightly names localhost, which the rules flag.
    const { document } = await documentAndRoutes({ publicUrl: "https://alerts.example.org" });
    const config = await createConfig({ extends: ["recommended"] });

    const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: "openapi.json", config });

    const described = (severity: string) =>
      problems
        .filter((problem) => problem.severity === severity)
        .map((problem) => `${problem.ruleId} ${problem.location[0]?.pointer ?? ""}: ${problem.message}`);
    expect(described("error")).toEqual([]);
    // The project states no licence, so the document cannot name one.
    expect(described("warn")).toEqual(["info-license #/info: Info object should contain `license` field."]);
  });

  it("describes every tag an operation uses", async () => {
    const { document } = await documentAndRoutes();

    const described = new Set(((document as { tags?: Array<{ name: string }> }).tags ?? []).map((tag) => tag.name));
    const used = Object.values(document.paths).flatMap((item) =>
      Object.values(item).flatMap((operation) => (operation as { tags?: string[] }).tags ?? []),
    );

    expect(used.filter((tag) => !described.has(tag))).toEqual([]);
  });

  it("names every operation with a unique operationId, for client generators", async () => {
    const { document } = await documentAndRoutes();

    const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
    const ids = operations.map((operation) => (operation as { operationId?: string }).operationId);

    expect(ids.filter((id) => !id)).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("documents the 429 and the RateLimit headers on every operation", async () => {
    const { document } = await documentAndRoutes();

    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ name: `${method} ${path}`, operation })),
    );
    const lacking = operations
      .filter(({ operation }) => {
        const responses = operation.responses as Record<string, { headers?: Record<string, unknown> }>;
        const ok = Object.entries(responses).find(([status]) => status.startsWith("2"))?.[1];
        return !responses["429"]?.headers?.["Retry-After"] || !ok?.headers?.["RateLimit-Remaining"];
      })
      .map(({ name }) => name);

    expect(lacking).toEqual([]);
  });
});

describe("/docs", () => {
  it("serves Scalar's API reference over /openapi.json", async () => {
    const app = appWith(new SqliteStore(":memory:"));

    const response = await app.request("/docs");
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(html).toContain("Scalar.createApiReference");
    expect(html).toContain('"url": "/openapi.json"');
  });
});
