import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SendEmailCommand } from "@aws-sdk/client-sesv2";
import { renderAlert, renderConfirmation, type Story } from "@treatywatch/core";
import { openDatabase, SqliteSuppressionList } from "@treatywatch/store";
import { type ParsedMail, simpleParser } from "mailparser";
import { afterEach, describe, expect, it } from "vitest";
import { startSmtpSink } from "../test/smtp-sink.ts";
import {
  type MailMessage,
  OutboxMailer,
  SesMailer,
  SmtpMailer,
  SuppressingMailer,
  unsubscribeHeaders,
} from "./mail.ts";

/** A header as it was written, unfolded; mailparser restructures the List-* ones. */
function rawHeader(mail: ParsedMail | undefined, name: string): string | undefined {
  const line = mail?.headerLines.find((header) => header.key === name)?.line;
  return line?.slice(line.indexOf(":") + 1).trim();
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const STORY: Story = {
  id: "st_1",
  title: "Finland completes withdrawal from the Ottawa Convention",
  summary: "The withdrawal took effect six months after Helsinki deposited its notice.",
  firstSeenAt: "2026-03-02T08:00:00.000Z",
  updatedAt: "2026-03-02T08:00:00.000Z",
  version: 1,
  score: 0.9,
  topics: ["treaty-status"],
  categories: ["politics"],
  countries: ["FI"],
  treaties: ["mine-ban"],
  sources: [
    {
      itemId: "i1",
      outlet: "Northern Wire",
      title: "Finland leaves mine ban treaty",
      link: "https://wire.example/fi",
      publishedAt: "2026-03-02T07:10:00.000Z",
      feedId: "f1",
    },
    { itemId: "i2", outlet: "Baltic Ledger", title: "Helsinki exit takes effect", feedId: "f2" },
  ],
};

function alertMail(to: string, unsubscribeUrl = "https://alerts.example/v1/unsubscribe?token=t1"): MailMessage {
  const rendered = renderAlert({ story: STORY, reasons: ["country: FI"], unsubscribeUrl });
  return {
    id: "msg_alert_1",
    from: "treatywatch <alerts@alerts.example>",
    to,
    ...rendered,
    headers: unsubscribeHeaders(unsubscribeUrl),
  };
}

async function smtp() {
  const sink = await startSmtpSink({ rejectRecipient: (address) => address.startsWith("gone@") });
  const mailer = new SmtpMailer({ host: "127.0.0.1", port: sink.port, secure: false, ignoreTLS: true });
  cleanups.push(sink.close, () => mailer.close());
  return { sink, mailer };
}

describe("SmtpMailer", () => {
  it("sends a multipart alert with one-click unsubscribe headers", async () => {
    const { sink, mailer } = await smtp();

    const result = await mailer.send(alertMail("reader@example.org"));
    const [mail] = await sink.received(1);

    expect(result.ok).toBe(true);
    expect(mail?.subject).toBe(STORY.title);
    expect(mail?.messageId).toBe("<msg_alert_1@alerts.example>");
    expect(rawHeader(mail, "list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    expect(rawHeader(mail, "list-unsubscribe")).toBe("<https://alerts.example/v1/unsubscribe?token=t1>");
    expect(mail?.text).toContain("[1] Northern Wire: Finland leaves mine ban treaty (2 March 2026)");
    expect(mail?.text).toContain("[2] Baltic Ledger: Helsinki exit takes effect\n");
    expect(mail?.html).toContain('<a href="https://wire.example/fi">Finland leaves mine ban treaty</a>');
    expect(mail?.html).not.toContain("<style");
  });

  it("reports a permanent refusal as not retryable", async () => {
    const { mailer } = await smtp();

    const result = await mailer.send(alertMail("gone@example.org"));

    expect(result).toMatchObject({ ok: false, retryable: false });
  });

  it("answers a message with a failure when its transport cannot be made, and closes having sent nothing", async () => {
    const mailer = new SmtpMailer({ url: "smtps://user:pa%ss@mail.example" });

    const result = await mailer.send(alertMail("reader@example.org"));

    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/URI malformed/) });
    await expect(mailer.close()).resolves.toBeUndefined();
  });

  it("stops mailing an address once its reader unsubscribes with one click", async () => {
    const { sink, mailer } = await smtp();
    const suppressions = new SqliteSuppressionList(openDatabase(":memory:"));
    const endpoint = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        const token = new URL(request.url ?? "/", "http://x").searchParams.get("token");
        if (request.method === "POST" && body === "List-Unsubscribe=One-Click" && token === "t-reader") {
          suppressions.suppress("Reader@Example.org", "unsubscribed", "2026-03-02T10:00:00.000Z").then(() => {
            response.writeHead(200).end();
          });
        } else response.writeHead(400).end();
      });
    });
    await new Promise<void>((resolve) => endpoint.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => endpoint.close(() => resolve())));
    const base = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}`;
    const guarded = new SuppressingMailer(mailer, suppressions);

    await guarded.send(alertMail("reader@example.org", `${base}/v1/unsubscribe?token=t-reader`));
    const [first] = await sink.received(1);
    const link = rawHeader(first, "list-unsubscribe")?.replace(/^<|>$/g, "") ?? "";
    const click = await fetch(link, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: rawHeader(first, "list-unsubscribe-post"),
    });
    const second = await guarded.send({ ...alertMail("reader@example.org"), id: "msg_alert_2" });

    expect(click.status).toBe(200);
    expect(second).toMatchObject({ ok: false, retryable: false });
    expect(sink.messages).toHaveLength(1);
  });

  it("sends the double opt-in confirmation with the link in both parts", async () => {
    const { sink, mailer } = await smtp();
    const rendered = renderConfirmation({
      confirmUrl: "https://alerts.example/v1/confirm?token=abc",
      description: "Instant alerts: topic treaty-status, country FI",
    });

    await mailer.send({ id: "msg_confirm", from: "alerts@alerts.example", to: "new@example.org", ...rendered });
    const [mail] = await sink.received(1);

    expect(mail?.subject).toBe("Confirm your treatywatch subscription");
    expect(mail?.text).toContain("https://alerts.example/v1/confirm?token=abc");
    expect(mail?.html).toContain('href="https://alerts.example/v1/confirm?token=abc"');
  });
});

describe("OutboxMailer", () => {
  it("writes one parseable .eml file a message id, however often it is sent", async () => {
    const directory = await mkdtemp(join(tmpdir(), "tw-outbox-"));
    const mailer = new OutboxMailer(directory);

    await mailer.send(alertMail("reader@example.org"));
    await mailer.send(alertMail("reader@example.org"));
    const files = await readdir(directory);
    const parsed = await simpleParser(await readFile(join(directory, files[0] ?? "")));

    expect(files).toEqual(["msg_alert_1.eml"]);
    expect(parsed.subject).toBe(STORY.title);
    expect(parsed.text).toContain("Northern Wire");
    expect(parsed.html).toContain("<ol>");
  });
});

describe("SesMailer", () => {
  it("sends the raw message, headers included", async () => {
    const sent: SendEmailCommand[] = [];
    const mailer = new SesMailer({
      send: async (command: SendEmailCommand) => {
        sent.push(command);
        return { MessageId: "ses-1", $metadata: {} };
      },
    } as never);

    const result = await mailer.send(alertMail("reader@example.org"));
    const raw = sent[0]?.input.Content?.Raw?.Data ?? new Uint8Array();
    const parsed = await simpleParser(Buffer.from(raw));

    expect(result).toEqual({ ok: true, messageId: "ses-1" });
    expect(sent[0]?.input.Destination?.ToAddresses).toEqual(["reader@example.org"]);
    expect(rawHeader(parsed, "list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
  });

  it.each([
    ["MessageRejected", false],
    ["TooManyRequestsException", true],
  ])("treats %s as retryable: %s", async (name, retryable) => {
    const mailer = new SesMailer({
      send: async () => {
        throw Object.assign(new Error(name), { name });
      },
    } as never);

    expect(await mailer.send(alertMail("reader@example.org"))).toMatchObject({ ok: false, retryable });
  });
});
