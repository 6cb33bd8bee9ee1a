import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiDocument, CLIENT_TYPES_FILE, clientTypesSource } from "../scripts/client-types.ts";
import { aKey, storeWithStories, testServices } from "../test/factories.ts";
import { createApp } from "./app.ts";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CLIENT = join(ROOT, "packages/client");
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");

describe("the client's types", () => {
  it("are what openapi-typescript generates from the API's document", async () => {
    const generated = await clientTypesSource(await apiDocument());

    // On failure: npm run client-types -w @treatywatch/api
    expect(readFileSync(CLIENT_TYPES_FILE, "utf8")).toBe(generated);
  });
});

/** A plain Node project outside the monorepo, with the packed client installed from its tarball. */
describe("the packed @treatywatch/client in a plain Node project", () => {
  let project: string;
  let server: ReturnType<typeof serve>;
  let baseUrl: string;
  let key: string;
  let storyId: string;

  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), "treatywatch-client-"));
    await run("npm", ["run", "build"], { cwd: CLIENT });
    const pack = async (dir: string) => {
      const { stdout } = await run("npm", ["pack", dir, "--ignore-scripts", "--pack-destination", project]);
      return join(project, stdout.trim().split("\n").at(-1) ?? "");
    };
    // Its dependencies are packed from this install too, so nothing is fetched.
    const openapiFetch = dirname(fileURLToPath(import.meta.resolve("openapi-fetch/package.json")));
    const helpers = join(ROOT, "node_modules/openapi-typescript-helpers");
    const tarballs = [await pack(join(CLIENT, "dist")), await pack(openapiFetch), await pack(helpers)];
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    await run("npm", ["install", "--offline", "--no-audit", "--no-fund", ...tarballs], { cwd: project });

    const { store, stories } = await storeWithStories(1);
    storyId = stories[0]?.id ?? "";
    const services = testServices(store);
    key = await aKey(services);
    const app = createApp(services);
    await new Promise<void>((listening) => {
      server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, (info: AddressInfo) => {
        baseUrl = `http://127.0.0.1:${info.port}`;
        listening();
      });
    });
  }, 120_000);

  afterAll(() => {
    server?.close();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it("runs under plain node: data on success, the typed error body otherwise", async () => {
    writeFileSync(
      join(project, "main.js"),
      `import { createClient } from "@treatywatch/client";
const tw = createClient(process.argv[2], process.argv[3]);
const story = await tw.GET("/v1/stories/{id}", { params: { path: { id: process.argv[4] } } });
const missing = await tw.GET("/v1/stories/{id}", { params: { path: { id: "st_missing" } } });
const created = await tw.POST("/v1/subscriptions", {
  body: { channel: { type: "email", address: "desk@example.org" }, cadence: { kind: "instant" } },
});
const refused = await tw.POST("/v1/subscriptions", { body: { channel: { type: "email", address: "no" }, cadence: { kind: "instant" } } });
console.log(JSON.stringify({
  story: story.data.id,
  missing: [missing.response.status, missing.error.error.code],
  created: created.data.subscription.status,
  refused: refused.error.error.details.map((detail) => detail.path),
}));
`,
    );

    const { stdout } = await run("node", ["main.js", baseUrl, key, storyId], { cwd: project });

    expect(JSON.parse(stdout)).toEqual({
      story: storyId,
      missing: [404, "NOT_FOUND"],
      created: "pending",
      refused: ["json.channel.address"],
    });
  });

  it("typechecks a consumer under NodeNext resolution, error bodies included, and refuses a wrong call", async () => {
    writeFileSync(
      join(project, "check.ts"),
      `import { createClient, type ErrorBody, type StoryCreatedEvent } from "@treatywatch/client";
const tw = createClient("http://localhost:8787", "tw_key");
const { data, error, response } = await tw.GET("/v1/stories", { params: { query: { topic: "mine-use", limit: 5 } } });
if (error) {
  const body: ErrorBody = error;
  const code: "BAD_REQUEST" | "TOO_MANY_REQUESTS" | string = body.error.code;
  console.log(code, response.status === 404);
} else {
  const titles: string[] = data.data.map((story) => story.title);
  console.log(titles, data.nextCursor);
}
const onEvent = (event: StoryCreatedEvent) => event.data.story.sources.map((source) => source.outlet);
console.log(onEvent);
// @ts-expect-error: no such path
await tw.GET("/v1/storys");
// @ts-expect-error: a topic the API does not know
await tw.GET("/v1/stories", { params: { query: { topic: "hockey" } } });
`,
    );
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ["node"],
          typeRoots: [join(ROOT, "node_modules/@types")],
        },
        files: ["check.ts"],
      }),
    );

    const checked = await run("node", [TSC, "-p", project], { cwd: project }).then(
      () => "no errors",
      (failure: { stdout: string }) => failure.stdout,
    );

    expect(checked).toBe("no errors");
  }, 60_000);
});
