import { compileErrors, validate } from "@readme/openapi-parser";
import { SqliteStore } from "@treatywatch/store";
import { describe, expect, it } from "vitest";
import { appWith } from "../test/factories.ts";
import { isPageRoute } from "./pages/index.tsx";

/** Routes that serve the documents themselves rather than the API they describe. */
const SELF_DESCRIBING = new Set(["/openapi.json", "/docs"]);

async function documentAndRoutes() {
  const app = appWith(new SqliteStore(":memory:"));
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

    expect(Object.keys(webhooks).sort()).toEqual(["digest.ready", "story.created", "story.updated"]);
    expect(webhooks["story.created"]?.post?.requestBody).toBeDefined();
  });
});
