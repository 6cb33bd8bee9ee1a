import { describe, expect, it } from "vitest";
import { testBundle } from "./test-bundle.ts";

describe("a worker function's settings and messages in a Lambda bundle", () => {
  it("are read by zod's functional build alone, with its English messages", async () => {
    // Every copy of zod in a process shares one configuration: none here may have set a language
    // already, or the bundle's own could be missing unseen.
    const shared = globalThis as { __zod_globalConfig?: { localeError?: unknown } };
    expect(shared.__zod_globalConfig?.localeError).toBeUndefined();
    const { inputs, module } = await testBundle<
      typeof import("@treatywatch/config") & typeof import("@treatywatch/notify")
    >(
      [
        'export { loadAwsConfig } from "@treatywatch/config";',
        'export { handleSesNotification, WebhookEventSchema } from "@treatywatch/notify";',
      ].join("\n"),
    );
    const zod = inputs.filter((input) => input.includes("node_modules/zod/"));
    expect(zod.some((input) => input.includes("/mini/"))).toBe(true);
    // The full build (about 45 ms of a cold start) and the other languages' messages stay out.
    expect(zod.filter((input) => input.includes("/classic/"))).toEqual([]);
    expect(zod.filter((input) => input.includes("/locales/") && !input.endsWith("/en.js"))).toEqual([]);

    expect(() => module.loadAwsConfig({ TREATYWATCH_TABLE_NAME: "t", TREATYWATCH_INGEST_SHARDS: "65" })).toThrow(
      "TREATYWATCH_INGEST_SHARDS: Too big: expected number to be <=64",
    );
    const suppressions = { suppress: async () => {}, isSuppressed: async () => false };
    const unread = await module.handleSesNotification('{"Type":"Notification"}', suppressions, "");
    expect(unread).toMatchObject({
      kind: "invalid",
      reason: expect.stringContaining("expected string, received undefined"),
    });
    const event = module.WebhookEventSchema.safeParse({ type: "story.created", schemaVersion: 2 });
    expect(event.error?.issues[0]?.message).toBe("Invalid input: expected 1");
  });
});
