import * as z from "@treatywatch/config/zod";
import type { SuppressionList } from "./mail.ts";

const SnsEnvelopeSchema = z.object({
  Type: z.string(),
  Message: z.string(),
  SubscribeURL: z.optional(z.string()),
});

const recipients = z.array(z.object({ emailAddress: z.string() }));

/** SES publishes `notificationType` (identity notifications) or `eventType` (configuration sets). */
const SesEventSchema = z.object({
  notificationType: z.optional(z.string()),
  eventType: z.optional(z.string()),
  bounce: z.optional(z.object({ bounceType: z.string(), bouncedRecipients: recipients })),
  complaint: z.optional(z.object({ complainedRecipients: recipients })),
});

export type SesEventOutcome =
  | { kind: "suppressed"; addresses: string[]; reason: "bounce" | "complaint" }
  /** A transient bounce: the address stays mailable. */
  | { kind: "ignored"; reason: string }
  /** SNS wants the subscription confirmed by fetching this URL. */
  | { kind: "confirm-subscription"; url: string }
  | { kind: "invalid"; reason: string };

/**
 * Handles one SNS message carrying an SES bounce or complaint: permanent bounces
 * and complaints put the recipients on the suppression list. The caller checks
 * the SNS signature before trusting the message.
 */
export async function handleSesNotification(
  body: string,
  suppressions: SuppressionList,
  now: string,
): Promise<SesEventOutcome> {
  let envelope: z.infer<typeof SnsEnvelopeSchema>;
  let event: z.infer<typeof SesEventSchema>;
  try {
    envelope = SnsEnvelopeSchema.parse(JSON.parse(body));
    if (envelope.Type === "SubscriptionConfirmation") {
      return envelope.SubscribeURL
        ? { kind: "confirm-subscription", url: envelope.SubscribeURL }
        : { kind: "invalid", reason: "confirmation without SubscribeURL" };
    }
    event = SesEventSchema.parse(JSON.parse(envelope.Message));
  } catch (error) {
    return { kind: "invalid", reason: error instanceof Error ? error.message : String(error) };
  }
  const type = event.notificationType ?? event.eventType;
  if (type === "Bounce" && event.bounce) {
    if (event.bounce.bounceType !== "Permanent")
      return { kind: "ignored", reason: `${event.bounce.bounceType} bounce` };
    const addresses = event.bounce.bouncedRecipients.map((recipient) => recipient.emailAddress);
    for (const address of addresses) await suppressions.suppress(address, "bounce", now);
    return { kind: "suppressed", addresses, reason: "bounce" };
  }
  if (type === "Complaint" && event.complaint) {
    const addresses = event.complaint.complainedRecipients.map((recipient) => recipient.emailAddress);
    for (const address of addresses) await suppressions.suppress(address, "complaint", now);
    return { kind: "suppressed", addresses, reason: "complaint" };
  }
  return { kind: "ignored", reason: `event type ${type ?? "missing"}` };
}
