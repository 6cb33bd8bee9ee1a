import { openDatabase, SqliteSuppressionList } from "@treatywatch/store";
import { describe, expect, it } from "vitest";
import { handleSesNotification } from "./ses-events.ts";

const NOW = "2026-03-02T10:00:00.000Z";

function sns(message: object, type = "Notification"): string {
  return JSON.stringify({ Type: type, MessageId: "m1", Message: JSON.stringify(message) });
}

function bounce(bounceType: string, ...addresses: string[]) {
  return sns({
    notificationType: "Bounce",
    bounce: { bounceType, bouncedRecipients: addresses.map((emailAddress) => ({ emailAddress })) },
  });
}

describe("handleSesNotification", () => {
  it("suppresses the recipients of a permanent bounce", async () => {
    const list = new SqliteSuppressionList(openDatabase(":memory:"));

    const outcome = await handleSesNotification(bounce("Permanent", "Gone@Example.org"), list, NOW);

    expect(outcome).toEqual({ kind: "suppressed", addresses: ["Gone@Example.org"], reason: "bounce" });
    expect(await list.isSuppressed("gone@example.org")).toBe(true);
  });

  it("leaves an address mailable after a transient bounce", async () => {
    const list = new SqliteSuppressionList(openDatabase(":memory:"));

    const outcome = await handleSesNotification(bounce("Transient", "full@example.org"), list, NOW);

    expect(outcome.kind).toBe("ignored");
    expect(await list.isSuppressed("full@example.org")).toBe(false);
  });

  it("suppresses a complainant, from a configuration-set event", async () => {
    const list = new SqliteSuppressionList(openDatabase(":memory:"));
    const event = sns({
      eventType: "Complaint",
      complaint: { complainedRecipients: [{ emailAddress: "c@example.org" }] },
    });

    await handleSesNotification(event, list, NOW);

    expect(await list.list(10)).toEqual([{ address: "c@example.org", reason: "complaint", at: NOW }]);
  });

  it.each([
    [
      JSON.stringify({ Type: "SubscriptionConfirmation", Message: "{}", SubscribeURL: "https://sns.example/confirm" }),
      "confirm-subscription",
    ],
    ["not json", "invalid"],
    [sns({ notificationType: "Delivery" }), "ignored"],
  ])("answers %s with %s", async (body, kind) => {
    const list = new SqliteSuppressionList(openDatabase(":memory:"));

    expect((await handleSesNotification(body, list, NOW)).kind).toBe(kind);
  });
});
