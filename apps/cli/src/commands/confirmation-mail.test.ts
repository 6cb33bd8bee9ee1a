import { mkdtemp, rm } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { issueApiKey } from "@treatywatch/api";
import { loadConfig } from "@treatywatch/config";
import { type SmtpSink, startSmtpSink } from "@treatywatch/notify/testing/smtp-sink";
import { afterEach, describe, expect, it } from "vitest";
import { openRuntime } from "../runtime.ts";
import { startServer } from "./serve.ts";

/** A loopback port nothing listens on: an SMTP server that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((closed) => server.close(() => closed()));
  return port;
}

describe("confirmation mail through the delivery path", () => {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("is retried while the SMTP server is down, and delivers the link once it is up", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "tw-confirm-smtp-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const smtpPort = await closedPort();
    let now = Date.parse("2026-03-02T09:00:00.000Z");
    const runtime = {
      ...openRuntime(
        loadConfig({
          TREATYWATCH_DATA_DIR: dataDir,
          PORT: "0",
          LOG_LEVEL: "silent",
          TREATYWATCH_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
          TREATYWATCH_PUBLIC_URL: "http://127.0.0.1:8787",
        }),
      ),
      clock: { now: () => new Date(now) },
    };
    const running = await startServer(runtime, { tickMs: 3_600_000 });
    cleanups.push(() => running.stop());
    const base = `http://127.0.0.1:${running.port}`;
    const { key } = await issueApiKey(runtime.keys, {
      tenant: "desk",
      scopes: ["write"],
      now: new Date(now).toISOString(),
    });
    const authorized = { authorization: `Bearer ${key}`, "content-type": "application/json" };

    const created = await fetch(`${base}/v1/subscriptions`, {
      method: "POST",
      headers: authorized,
      body: JSON.stringify({ channel: { type: "email", address: "desk@example.org" }, cadence: { kind: "instant" } }),
    });
    const { subscription } = (await created.json()) as { subscription: { id: string; status: string } };
    await running.sendDue();
    const deliveryId = `confirm_${subscription.id}_1`;
    const whileDown = await runtime.deliveries.attempts(deliveryId);

    const sink: SmtpSink = await startSmtpSink({ port: smtpPort });
    cleanups.push(() => sink.close());
    now += 10 * 60 * 1000;
    await running.sendDue();
    const [mail] = await sink.received(1);
    const link = /http:\/\/127\.0\.0\.1:8787(\/v1\/confirm\?token=[\w-]{43})/.exec(mail?.text ?? "")?.[1] ?? "";
    const confirmed = await fetch(`${base}${link}`, { method: "POST" });
    const after = (await (
      await fetch(`${base}/v1/subscriptions/${subscription.id}`, { headers: authorized })
    ).json()) as {
      status: string;
    };

    expect(created.status).toBe(201);
    expect(whileDown).toEqual([
      expect.objectContaining({ attempt: 1, outcome: "retry", error: expect.stringMatching(/ECONNREFUSED/) }),
    ]);
    expect(mail?.subject).toBe("Confirm your treatywatch subscription");
    expect(await runtime.deliveries.get(deliveryId)).toMatchObject({ status: "delivered", attempts: 2 });
    expect(confirmed.status).toBe(200);
    expect(after.status).toBe("active");
  });
});
