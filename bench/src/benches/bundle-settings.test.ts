import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { BUNDLE_CONDITIONS } from "./cold-start.ts";

describe("a worker function's settings and messages in a Lambda bundle", () => {
  const dir = mkdtempSync(join(tmpdir(), "treatywatch-bench-settings-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("are read by zod's functional build alone, with its English messages", async () => {
    const outfile = join(dir, "settings.mjs");
    const result = await build({
      stdin: {
        contents: [
          'export { loadAwsConfig } from "@treatywatch/config";',
          'export { handleSesNotification, WebhookEventSchema } from "@treatywatch/notify";',
        ].join("\n"),
        resolveDir: import.meta.dirname,
      },
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      conditions: BUNDLE_CONDITIONS,
      external: ["@aws-sdk/*"],
      minify: true,
      metafile: true,
      logLevel: "silent",
    });
    const [output] = Object.values(result.metafile.outputs);
    const zod = Object.keys(output?.inputs ?? {}).filter((input) => input.includes("node_modules/zod/"));
    expect(zod.some((input) => input.includes("/mini/"))).toBe(true);
    // The full build (about 45 ms of a cold start) and the other languages' messages stay out.
    expect(zod.filter((input) => input.includes("/classic/"))).toEqual([]);
    expect(zod.filter((input) => input.includes("/locales/") && !input.endsWith("/en.js"))).toEqual([]);

    const bundled = (await import(pathToFileURL(outfile).href)) as typeof import("@treatywatch/config") &
      typeof import("@treatywatch/notify");
    expect(() => bundled.loadAwsConfig({ TREATYWATCH_TABLE_NAME: "t", TREATYWATCH_INGEST_SHARDS: "65" })).toThrow(
      "TREATYWATCH_INGEST_SHARDS: Too big: expected number to be <=64",
    );
    const unread = await bundled.handleSesNotification(
      '{"Type":"Notification"}',
      { suppress: async () => {}, isSuppressed: async () => false },
      "",
    );
    expect(unread).toMatchObject({
      kind: "invalid",
      reason: expect.stringContaining("expected string, received undefined"),
    });
  });
});
