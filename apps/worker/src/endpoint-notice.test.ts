import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildMatchIndex } from "@treatywatch/core";
import { OutboxMailer } from "@treatywatch/notify";
import { startWebhookReceiver } from "@treatywatch/notify/testing";
import { SqliteKeyStore, SqliteSubscriptionStore } from "@treatywatch/store";
import { simpleParser } from "mailparser";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deliveryHarness, newSecret, recordingLogger, story, subscription } from "../test/delivery-fixtures.ts";
import { deliver } from "./deliver.ts";
import { endpointDisabledHandler } from "./endpoint-notice.ts";
import { matchStory } from "./match.ts";

const cleanups: (() => Promise<void>)[] = [];
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
});
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  vi.useRealTimers();
});

/**
 * A tenant's webhook whose endpoint answers 410, two alerts for it already queued,
 * and the disabled-endpoint handler mailing into an outbox.
 */
async function arrangeGoneEndpoint(contactEmail: string | undefined) {
  const secret = newSecret();
  const receiver = await startWebhookReceiver(secret, () => ({ kind: "status", status: 410 }));
  const logger = recordingLogger();
  const harness = deliveryHarness({ sub_gone: [secret] }, { logger });
  cleanups.push(receiver.close, harness.close);
  const outbox = await mkdtemp(join(tmpdir(), "tw-notice-"));
  const keys = new SqliteKeyStore(harness.db);
  const tenant = await keys.ensureTenant("Clearance Desk", "2026-01-01T00:00:00.000Z");
  await keys.setTenantContact(tenant.id, contactEmail);
  const subscriptions = new SqliteSubscriptionStore(harness.db);
  const hook = subscription("sub_gone", { tenantId: tenant.id, channel: { type: "webhook", url: receiver.url } });
  await subscriptions.createSubscription(hook, { unsubscribeToken: "tok-gone" });
  harness.deps.onEndpointDisabled = endpointDisabledHandler({
    subscriptions,
    tenants: keys,
    mailer: new OutboxMailer(outbox),
    mailFrom: "treatywatch <alerts@alerts.example>",
    publicUrl: "https://alerts.example",
    logger,
  });
  const index = buildMatchIndex([hook]);
  for (const id of ["st_1", "st_2"]) await matchStory(story(id), undefined, { ...harness, index });
  const deliveryIds = harness.deliveries.forSubscription("sub_gone", 10).map((delivery) => delivery.id);
  return { ...harness, logger, outbox, subscriptions, tenant, receiver, deliveryIds };
}

describe("a disabled webhook's notice", () => {
  it("is mailed once to the tenant's contact, in text and HTML, when two attempts meet the 410 together", async () => {
    const { deps, deliveryIds, outbox, subscriptions, tenant, receiver } =
      await arrangeGoneEndpoint("ops@clearance.example");

    const results = await Promise.all(deliveryIds.map((id) => deliver(id, deps)));
    const files = await readdir(outbox);
    const mail = await simpleParser(await readFile(join(outbox, files[0] ?? "")));

    expect(results).toEqual(["failed", "failed"]);
    expect(receiver.arrivals).toHaveLength(2);
    expect(files).toHaveLength(1);
    expect(mail.to && "text" in mail.to ? mail.to.text : undefined).toBe("ops@clearance.example");
    expect(mail.subject).toBe(`treatywatch disabled a webhook: ${receiver.url}`);
    expect(mail.messageId).toMatch(/^<ntc_[\w-]+@alerts\.example>$/);
    for (const part of [mail.text, mail.html || ""]) {
      expect(part).toContain("sub_gone");
      expect(part).toContain(receiver.url);
      expect(part).toContain("the endpoint answered 410 Gone");
      expect(part).toContain("POST https://alerts.example/v1/subscriptions/sub_gone/verify");
    }
    expect((await subscriptions.getSubscription(tenant.id, "sub_gone"))?.status).toBe("disabled");
  });

  it("is not mailed, and says so in the log, when the tenant has no contact address", async () => {
    const { deps, deliveryIds, outbox, logger, subscriptions, tenant } = await arrangeGoneEndpoint(undefined);

    const result = await deliver(deliveryIds[0] ?? "", deps);

    expect(result).toBe("failed");
    expect(await readdir(outbox)).toEqual([]);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: "warn",
        fields: expect.objectContaining({ subscriptionId: "sub_gone" }),
        message: expect.stringMatching(/no contact address/),
      }),
    );
    expect((await subscriptions.getSubscription(tenant.id, "sub_gone"))?.status).toBe("disabled");
  });
});
