import { readFileSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { issueApiKey } from "@treatywatch/api";
import { loadConfig } from "@treatywatch/config";
import type { Story } from "@treatywatch/core";
import { SafeHttpClient } from "@treatywatch/http";
import { safeHttpPoster } from "@treatywatch/notify";
import { startDeliveryLoop } from "@treatywatch/worker";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { openRuntime, type Runtime } from "../runtime.ts";
import { confirmLinkCommand } from "./outbox.ts";
import { type Running, startServer } from "./serve.ts";

interface Received {
  body: string;
  headers: Record<string, string>;
}

/** A webhook endpoint that records what arrives and answers 204; verified afterwards with the secret. */
async function recordingEndpoint(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const read = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  };
  const server = createServer((request, response) => {
    void read(request).then((body) => {
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
      received.push({ body, headers });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, server };
}

const story: Story = {
  id: "story_e2e",
  title: "Finland's withdrawal from the Mine Ban Treaty takes effect",
  summary: "Six months after the notice, the withdrawal is in force.",
  firstSeenAt: "2026-03-02T08:00:00.000Z",
  updatedAt: "2026-03-02T08:00:00.000Z",
  version: 1,
  score: 0.9,
  topics: ["treaty-status"],
  categories: ["politics"],
  countries: ["FI"],
  treaties: ["mine-ban"],
  sources: [{ itemId: "item_e2e", outlet: "Baltic Desk", title: "Finland leaves the mine ban", feedId: "feed_e2e" }],
};

describe("serve", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function serve(
    env: Record<string, string> = {},
  ): Promise<{ runtime: Runtime; running: Running; base: string; dataDir: string }> {
    const dataDir = await mkdtemp(join(tmpdir(), "tw-serve-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const runtime = openRuntime(
      loadConfig({
        TREATYWATCH_DATA_DIR: dataDir,
        TREATYWATCH_FEEDS_FILE: join(dataDir, "feeds.txt"),
        PORT: "0",
        LOG_LEVEL: "silent",
        TREATYWATCH_FETCH_ALLOW: "127.0.0.1",
        ...env,
      }),
    );
    const running = await startServer(runtime, { tickMs: 3_600_000 });
    cleanups.push(() => running.stop());
    return { runtime, running, base: `http://127.0.0.1:${running.port}`, dataDir };
  }

  it("keeps no plaintext whsec_ in the database, and signs pings and alerts the endpoint verifies", async () => {
    const { runtime, base, dataDir } = await serve();
    const endpoint = await recordingEndpoint();
    cleanups.push(() => new Promise<void>((resolve) => endpoint.server.close(() => resolve())));
    const { key } = await issueApiKey(runtime.keys, {
      tenant: "e2e",
      scopes: ["write"],
      now: new Date().toISOString(),
    });
    const authorized = { authorization: `Bearer ${key}`, "content-type": "application/json" };

    const created = await fetch(`${base}/v1/subscriptions`, {
      method: "POST",
      headers: authorized,
      body: JSON.stringify({
        // A plain-http receiver on this machine: accepted because TREATYWATCH_FETCH_ALLOW lists 127.0.0.1.
        channel: { type: "webhook", url: endpoint.url },
        cadence: { kind: "instant" },
      }),
    });
    expect(created.status).toBe(201);
    const { subscription, signingSecret } = (await created.json()) as {
      subscription: { id: string };
      signingSecret: string;
    };
    const verified = await fetch(`${base}/v1/subscriptions/${subscription.id}/verify`, {
      method: "POST",
      headers: authorized,
    });
    const client = new SafeHttpClient({ allow: ["127.0.0.1"] });
    cleanups.push(() => client.close());
    const loop = startDeliveryLoop(
      {
        store: { getStory: async () => story, listStories: (query) => runtime.store.listStories(query) },
        subscriptions: runtime.subscriptions,
        subscriptionsVersion: runtime.subscriptionsVersion,
        deliveries: runtime.deliveries,
        queue: runtime.deliveryQueue,
        poster: safeHttpPoster(client),
        mailFrom: "treatywatch <alerts@localhost>",
        publicUrl: base,
        clock: runtime.clock,
        logger: runtime.logger,
      },
      { tickMs: 3_600_000, concurrency: 1 },
    );
    cleanups.push(() => loop.stop());
    await loop.storyEvents([{ kind: "created", storyId: story.id }]);

    const files = (await readdir(dataDir)).filter((name) => name.startsWith("treatywatch.db"));
    const database = files.map((name) => readFileSync(join(dataDir, name)).toString("latin1")).join("");
    expect(created.status).toBe(201);
    expect(database).toContain(subscription.id);
    expect(database).not.toContain("whsec_");
    expect(database).not.toContain(signingSecret.slice("whsec_".length));
    expect(database).toMatch(/v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:/);
    expect(verified.status).toBe(200);
    expect(endpoint.received.map((request) => JSON.parse(request.body).type)).toEqual([
      "subscription.verify",
      "story.created",
    ]);
    for (const request of endpoint.received) {
      expect(() => new Webhook(signingSecret).verify(request.body, request.headers)).not.toThrow();
    }
  });

  it("mails the confirmation link of an email subscription to the outbox, pointing at the public URL", async () => {
    const { runtime, running, base, dataDir } = await serve({ TREATYWATCH_PUBLIC_URL: "https://alerts.example.org" });
    const { key } = await issueApiKey(runtime.keys, {
      tenant: "e2e",
      scopes: ["write"],
      now: new Date().toISOString(),
    });

    const created = await fetch(`${base}/v1/subscriptions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        channel: { type: "email", address: "reader@example.org" },
        cadence: { kind: "instant" },
      }),
    });
    await running.sendDue();
    const outbox = join(dataDir, "outbox");
    const mails = (await readdir(outbox)).map((name) => readFileSync(join(outbox, name), "utf8"));

    expect(created.status).toBe(201);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatch(/^To: reader@example\.org/m);
    expect(mails[0]).toContain("https://alerts.example.org/v1/confirm?token=");
    const printed: string[] = [];
    await confirmLinkCommand(runtime, "reader@example.org", { out: (line) => printed.push(line), err: () => {} });
    expect(printed).toEqual([expect.stringMatching(/^https:\/\/alerts\.example\.org\/v1\/confirm\?token=[\w-]{43}$/)]);
  });
});
