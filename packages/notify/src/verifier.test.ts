import { randomBytes } from "node:crypto";
import type { SigningSecret, Subscription } from "@treatywatch/core";
import { SafeHttpClient } from "@treatywatch/http";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { type ReceiverBehaviour, startWebhookReceiver, type WebhookReceiver } from "../test/webhook-receiver.ts";
import { safeHttpPoster } from "./poster.ts";
import { webhookPingVerifier } from "./verifier.ts";

const newSecret = () => `whsec_${randomBytes(24).toString("base64")}`;
const clock = { now: () => new Date() };
const client = new SafeHttpClient({ allow: ["127.0.0.1"] });
const verifier = webhookPingVerifier(safeHttpPoster(client), clock);

const webhookSubscription = (url: string): Subscription => ({
  id: "sub_hook",
  tenantId: "ten_1",
  channel: { type: "webhook", url },
  filter: {},
  cadence: { kind: "instant" },
  status: "pending",
  createdAt: "2026-03-01T00:00:00.000Z",
  updatedAt: "2026-03-01T00:00:00.000Z",
});
const signing = (secret: string): SigningSecret => ({ secret, createdAt: "2026-03-01T00:00:00.000Z" });

let receivers: WebhookReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.map((receiver) => receiver.close()));
  receivers = [];
});
afterAll(() => client.close());

async function receiver(secret: string, behaviour?: ReceiverBehaviour) {
  const started = await startWebhookReceiver(secret, behaviour ? () => behaviour : undefined);
  receivers.push(started);
  return started;
}

describe("webhookPingVerifier", () => {
  it("verifies an endpoint that accepts the signed ping, which standardwebhooks verifies", async () => {
    const secret = newSecret();
    const endpoint = await receiver(secret);

    const result = await verifier.verify(webhookSubscription(endpoint.url), [signing(secret)]);

    expect(result).toEqual({ ok: true });
    expect(endpoint.accepted).toHaveLength(1);
    expect(JSON.parse(endpoint.accepted[0]?.body ?? "{}")).toMatchObject({
      type: "subscription.verify",
      subscriptionId: "sub_hook",
      id: endpoint.accepted[0]?.id,
    });
  });

  it.each<[string, ReceiverBehaviour, RegExp]>([
    ["a server error", { kind: "status", status: 500 }, /HTTP 500/],
    ["a redirect", { kind: "status", status: 302, headers: { location: "http://127.0.0.1:1/" } }, /redirect/],
    ["gone", { kind: "status", status: 410 }, /410/],
  ])("does not verify an endpoint answering %s", async (_name, behaviour, reason) => {
    const secret = newSecret();
    const endpoint = await receiver(secret, behaviour);

    const result = await verifier.verify(webhookSubscription(endpoint.url), [signing(secret)]);

    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
  });

  it("does not verify when the endpoint cannot check the signature (it holds another secret)", async () => {
    const endpoint = await receiver(newSecret());

    const result = await verifier.verify(webhookSubscription(endpoint.url), [signing(newSecret())]);

    expect(result).toMatchObject({ ok: false, reason: "HTTP 401" });
    expect(endpoint.rejected).toHaveLength(1);
  });

  it("refuses a private address the guard does not allow, without sending", async () => {
    const guarded = webhookPingVerifier(safeHttpPoster(new SafeHttpClient({ allow: [] })), clock);

    const result = await guarded.verify(webhookSubscription("http://127.0.0.1:9/hook"), [signing(newSecret())]);

    expect(result.ok).toBe(false);
  });
});
