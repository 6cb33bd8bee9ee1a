import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { renderAlert } from "@treatywatch/core";
import type { Transporter } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";
import type { WebhookEvent } from "./events.ts";
import { composeMessage, type Mailer, type MailMessage, type MailResult, messageIdFor } from "./ses.ts";

export * from "./ses.ts";

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

/**
 * Sends through an SMTP server. Nodemailer is loaded with the first message, not with the
 * module: the deliver function, which sends through SES, carries this class without using it.
 */
export class SmtpMailer implements Mailer {
  #transport: Promise<Transporter<SMTPTransport.SentMessageInfo>> | undefined;

  constructor(private readonly options: SMTPTransport.Options) {}

  /** The transport, made once; one that could not be made is tried again with the next message. */
  #transporter(): Promise<Transporter<SMTPTransport.SentMessageInfo>> {
    this.#transport ??= import("nodemailer")
      .then(({ createTransport }) => createTransport(this.options))
      .catch((error: unknown) => {
        this.#transport = undefined;
        throw error;
      });
    return this.#transport;
  }

  async send(message: MailMessage): Promise<MailResult> {
    try {
      const [transport, raw] = await Promise.all([this.#transporter(), composeMessage(message)]);
      const info = await transport.sendMail({ envelope: { from: message.from, to: [message.to] }, raw });
      return { ok: true, messageId: info.messageId || messageIdFor(message) };
    } catch (error) {
      return smtpFailure(error);
    }
  }

  /** Closes the connections it holds, once any send under way has its transport. */
  async close(): Promise<void> {
    // A transport that never loaded holds nothing to close.
    const transport = await this.#transport?.catch(() => undefined);
    transport?.close();
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
