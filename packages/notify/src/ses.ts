import type { SESv2Client } from "@aws-sdk/client-sesv2";

// Only nodemailer's MIME composer: the SMTP transport stays out of bundles that mail through SES.
type Composer = typeof import("nodemailer/lib/mail-composer/index.js");
let composer: Promise<Composer> | undefined;

/** The composer, loaded with the first message: a batch of webhooks alone never loads it. */
function mailComposer(): Promise<Composer> {
  composer ??= import("nodemailer/lib/mail-composer/index.js").then((loaded) => loaded.default);
  return composer;
}

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
  const MailComposer = await mailComposer();
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

type SesSdk = typeof import("@aws-sdk/client-sesv2");
let sdk: Promise<SesSdk> | undefined;

/** The SES v2 SDK, loaded when the first mail goes out rather than when a function starts. */
function sesSdk(): Promise<SesSdk> {
  sdk ??= import("@aws-sdk/client-sesv2");
  return sdk;
}

/** An SES v2 client made (and its SDK loaded) on its first call. */
export function sesClient(): Pick<SESv2Client, "send"> {
  let client: Promise<SESv2Client> | undefined;
  return {
    send: (async (command: Parameters<SESv2Client["send"]>[0]) => {
      client ??= sesSdk().then((loaded) => new loaded.SESv2Client({}));
      return (await client).send(command);
    }) as SESv2Client["send"],
  };
}

/** SES v2 with the raw message, so the unsubscribe headers travel as composed. */
export class SesMailer implements Mailer {
  constructor(
    private readonly client: Pick<SESv2Client, "send">,
    private readonly configurationSetName?: string | undefined,
  ) {}

  async send(message: MailMessage): Promise<MailResult> {
    try {
      const { SendEmailCommand } = await sesSdk();
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
