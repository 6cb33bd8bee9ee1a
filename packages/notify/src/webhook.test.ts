import { randomBytes } from "node:crypto";
import { SafeHttpClient } from "@treatywatch/http";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { type ReceiverBehaviour, startWebhookReceiver, type WebhookReceiver } from "../test/webhook-receiver.ts";
import { safeHttpPoster } from "./poster.ts";
import { sendWebhook, signWebhook } from "./webhook.ts";

const newSecret = () => `whsec_${randomBytes(24).toString("base64")}`;
const clock = { now: () => new Date() };
const client = new SafeHttpClient({ allow: ["127.0.0.1"], perHostConcurrency: 16 });
const poster = safeHttpPoster(client);

let receivers: WebhookReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.map((receiver) => receiver.close()));
  receivers = [];
});

async function receiver(secret: string, behaviour?: ReceiverBehaviour) {
  const started = await startWebhookReceiver(secret, behaviour ? () => behaviour : undefined);
  receivers.push(started);
  return started;
}

const message = (url: string, secrets: string[], id = "msg_1") => ({
  id,
  url,
  body: JSON.stringify({ type: "story.created", id }),
  secrets,
});

describe("signWebhook", () => {
  it("signs with every secret during a rotation, each verifiable on its own", () => {
    const [older, newer] = [newSecret(), newSecret()];
    const body = '{"hello":"world"}';

    const headers = signWebhook("msg_rot", new Date(), body, [newer, older]);

    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    expect(() => new Webhook(older).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newer).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newSecret()).verify(body, headers)).toThrow();
  });
});

describe("sendWebhook", () => {
  it("delivers a signed request the receiver verifies, with the delivery id as webhook-id", async () => {
    const secret = newSecret();
    const endpoint = await receiver(secret);

    const result = await sendWebhook(message(endpoint.url, [secret], "msg_stable"), poster, clock);

    expect(result).toMatchObject({ outcome: "delivered", statusCode: 204 });
    expect(endpoint.accepted.map((received) => received.id)).toEqual(["msg_stable"]);
    expect(endpoint.rejected).toEqual([]);
  });

  it.each<[string, ReceiverBehaviour, string, number | undefined]>([
    ["a server error", { kind: "status", status: 503 }, "retry", 503],
    [
      "a redirect, which is not followed",
      { kind: "status", status: 302, headers: { location: "/elsewhere" } },
      "retry",
      302,
    ],
    ["a client error", { kind: "status", status: 400 }, "retry", 400],
    ["410 Gone", { kind: "status", status: 410 }, "gone", 410],
    ["a reset connection", { kind: "reset" }, "retry", undefined],
    ["no answer before the deadline", { kind: "hang" }, "retry", undefined],
  ])("classifies %s", async (_, behaviour, outcome, statusCode) => {
    const secret = newSecret();
    const endpoint = await receiver(secret, behaviour);

    const result = await sendWebhook(message(endpoint.url, [secret]), poster, clock, 300);

    expect(result.outcome).toBe(outcome);
    expect("statusCode" in result ? result.statusCode : undefined).toBe(statusCode);
    expect(endpoint.arrivals).toHaveLength(1);
  });

  it("reads Retry-After from a 429", async () => {
    const secret = newSecret();
    const endpoint = await receiver(secret, { kind: "status", status: 429, headers: { "retry-after": "120" } });

    const result = await sendWebhook(message(endpoint.url, [secret]), poster, clock);

    expect(result).toMatchObject({ outcome: "retry", statusCode: 429, retryAfterSeconds: 120 });
  });

  it("refuses a private address that is not allowed, without retrying", async () => {
    const guarded = safeHttpPoster(new SafeHttpClient());

    const result = await sendWebhook(message("http://127.0.0.1:9/hook", [newSecret()]), guarded, clock);

    expect(result.outcome).toBe("refused");
  });
});
