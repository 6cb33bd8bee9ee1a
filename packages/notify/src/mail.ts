import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import { renderAlert } from "@treatywatch/core";
import { createTransport } from "nodemailer";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";
import type { WebhookEvent } from "./events.ts";

/** One email, always with a plain-text and an HTML part. */
export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers, e.g. List-Unsubscribe. */
  headers?: Record<string, string> | undefined;
  /** Stable across retries (the delivery id), so a resend is recognisably the same message. */
  id: string;
}

export type MailResult = { ok: true; messageId: string } | { ok: false; retryable: boolean; error: string };

/** Sends email. Adapters: outbox files, SMTP, SES v2. Never throws for an expected failure. */
export interface Mailer {
  send(message: MailMessage): Promise<MailResult>;
}

/** Message-ID built from the delivery id: one id however often a message is sent. */
export function messageIdFor(message: MailMessage): string {
  const domain = message.from.split("@")[1]?.replace(/[>\s]/g, "") || "treatywatch.invalid";
  return `<${message.id}@${domain}>`;
}

/** RFC 5322 bytes of a message, multipart/alternative with text first. */
export async function composeMessage(message: MailMessage): Promise<Buffer> {
  return new MailComposer({
    from: message.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    headers: message.headers,
    messageId: messageIdFor(message),
  })
    .compile()
    .build();
}

/**
 * The one-click unsubscribe headers (RFC 8058): mail clients POST
 * `List-Unsubscribe=One-Click` to the URL without asking the reader to visit a page.
 */
export function unsubscribeHeaders(url: string): Record<string, string> {
  return { "List-Unsubscribe": `<${url}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" };
}

/** Writes each message as an .eml file, named by its id: the embedded default. */
export class OutboxMailer implements Mailer {
  constructor(private readonly directory: string) {}

  async send(message: MailMessage): Promise<MailResult> {
    const bytes = await composeMessage(message);
    await mkdir(this.directory, { recursive: true });
    const file = join(this.directory, `${message.id.replace(/[^\w.-]/g, "_")}.eml`);
    // Write then rename, so a reader never sees half a message.
    await writeFile(`${file}.tmp`, bytes);
    await rename(`${file}.tmp`, file);
    return { ok: true, messageId: messageIdFor(message) };
  }
}

/** SMTP answers in the 4xx range are temporary; 5xx are permanent. */
function smtpFailure(error: unknown): MailResult {
  const code = (error as { responseCode?: number }).responseCode;
  const text = error instanceof Error ? error.message : String(error);
  return { ok: false, retryable: code === undefined || code < 500, error: text };
}

export class SmtpMailer implements Mailer {
  private readonly transport;

  constructor(options: SMTPTransport.Options) {
    this.transport = createTransport(options);
  }

  async send(message: MailMessage): Promise<MailResult> {
    try {
      const raw = await composeMessage(message);
      const info = await this.transport.sendMail({ envelope: { from: message.from, to: [message.to] }, raw });
      return { ok: true, messageId: info.messageId || messageIdFor(message) };
    } catch (error) {
      return smtpFailure(error);
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** SES v2 with the raw message, so the unsubscribe headers travel as composed. */
export class SesMailer implements Mailer {
  constructor(
    private readonly client: Pick<SESv2Client, "send">,
    private readonly configurationSetName?: string | undefined,
  ) {}

  async send(message: MailMessage): Promise<MailResult> {
    try {
      const sent = await this.client.send(
        new SendEmailCommand({
          FromEmailAddress: message.from,
          Destination: { ToAddresses: [message.to] },
          Content: { Raw: { Data: await composeMessage(message) } },
          ConfigurationSetName: this.configurationSetName,
        }),
      );
      return { ok: true, messageId: sent.MessageId ?? messageIdFor(message) };
    } catch (error) {
      const name = (error as { name?: string }).name ?? "";
      const permanent = ["MessageRejected", "AccountSuspendedException", "MailFromDomainNotVerifiedException"];
      return {
        ok: false,
        retryable: !permanent.includes(name),
        error: error instanceof Error ? error.message : String(error),
      };
    }
  }
}

/** Addresses that must not be mailed: unsubscribed, bounced for good, or complained. */
export interface SuppressionList {
  suppress(address: string, reason: string, at: string): Promise<void>;
  isSuppressed(address: string): Promise<boolean>;
}

/** Drops mail to suppressed addresses before any adapter sees it. */
export class SuppressingMailer implements Mailer {
  constructor(
    private readonly inner: Mailer,
    private readonly suppressions: SuppressionList,
  ) {}

  async send(message: MailMessage): Promise<MailResult> {
    if (await this.suppressions.isSuppressed(message.to)) {
      return { ok: false, retryable: false, error: "the address is on the suppression list" };
    }
    return this.inner.send(message);
  }
}

export interface MailAddressing {
  from: string;
  to: string;
  unsubscribeUrl: string;
}

/** The email for a delivery's event: the alert rendered, or the digest as composed. */
export function mailForEvent(event: WebhookEvent, addressing: MailAddressing): MailMessage {
  const headers = unsubscribeHeaders(addressing.unsubscribeUrl);
  const common = { id: event.id, from: addressing.from, to: addressing.to, headers };
  if (event.type === "digest.ready") {
    return { ...common, subject: event.data.subject, text: event.data.text, html: event.data.html };
  }
  const rendered = renderAlert({
    story: event.data.story,
    reasons: event.data.reasons,
    changes: event.type === "story.updated" ? event.data.changes : undefined,
    unsubscribeUrl: addressing.unsubscribeUrl,
  });
  return { ...common, ...rendered };
}
