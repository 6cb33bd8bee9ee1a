/// <reference lib="dom" />
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@treatywatch/config";
import axe from "axe-core";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type SmtpSink, startSmtpSink } from "../../../packages/notify/test/smtp-sink.ts";
import { DEMO_FEEDS_DIR } from "./commands/demo.ts";
import { type Running, startServer } from "./commands/serve.ts";
import { type FeedServer, startFeedServer } from "./demo/feed-server.ts";
import { openRuntime, type Runtime } from "./runtime.ts";

const CHROMIUM = "/usr/bin/chromium";
const WIDTHS = [390, 1280] as const;

/** A report that reaches the subscriber below only after they confirm: an Estonian treaty withdrawal. */
const LATE_FEED = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Tallinn Courier</title><link>https://tallinn-courier.example/</link>
<description>A fictional outlet.</description><language>en</language>
<item><title>Estonia deposits its withdrawal from the Ottawa Convention on anti-personnel mines</title>
<link>https://tallinn-courier.example/2026/estonia-ottawa</link><guid isPermaLink="false">tc-estonia-ottawa</guid>
<description>Estonia handed the UN Secretary-General its notice of withdrawal from the treaty banning anti-personnel landmines, citing the threat on its eastern border.</description>
</item></channel></rss>`;

const skip = !existsSync(CHROMIUM);
if (skip) console.log(`pages in Chromium: skipped, ${CHROMIUM} is not installed (apt-get install chromium)`);

describe.skipIf(skip)("the pages in Chromium", () => {
  let dataDir: string;
  let shots: string;
  let sink: SmtpSink;
  let feeds: FeedServer;
  let late: FeedServer | undefined;
  let runtime: Runtime;
  let running: Running;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "tw-pages-"));
    shots = await mkdtemp(join(tmpdir(), "treatywatch-screenshots-"));
    sink = await startSmtpSink();
    feeds = await startFeedServer(DEMO_FEEDS_DIR);
    runtime = openRuntime(
      loadConfig({
        TREATYWATCH_DATA_DIR: dataDir,
        // A known port, since the links in mail are made before the server listens.
        PORT: String(await freePort()),
        LOG_LEVEL: "silent",
        TREATYWATCH_FETCH_ALLOW: "127.0.0.1",
        TREATYWATCH_SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
        TREATYWATCH_POLL_MIN_SECONDS: "1",
      }),
    );
    const now = runtime.clock.now().toISOString();
    for (const url of feeds.urls) await runtime.store.addFeed(url, now);
    running = await startServer(runtime, { tickMs: 250 });
    base = `http://localhost:${running.port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    await vi.waitFor(
      async () => expect((await runtime.store.listStories({ limit: 100 })).data.length).toBeGreaterThan(10),
      { timeout: 60_000, interval: 200 },
    );
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await late?.close();
    await feeds?.close();
    await sink?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (shots) console.log(`pages in Chromium: screenshots in ${shots}`);
  });

  /** A fresh page at a width, failing the test on any script error or refused resource (a CSP violation shows as one). */
  async function open(width: number, path: string): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, timezoneId: "Europe/Vilnius" });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    await page.goto(`${base}${path}`);
    return { page, problems };
  }

  /** axe-core run in the page: the serious and critical violations, as `rule: first target`. */
  async function accessibilityProblems(page: Page): Promise<string[]> {
    await page.evaluate(axe.source);
    const result = await page.evaluate(() =>
      (window as unknown as { axe: typeof axe }).axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
      }),
    );
    return result.violations
      .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
      .map((violation) => `${violation.id}: ${violation.nodes[0]?.target.join(" ")}`);
  }

  async function checkPage(name: string, path: string, setUp?: (page: Page) => Promise<void>) {
    for (const width of WIDTHS) {
      const { page, problems } = await open(width, path);
      await setUp?.(page);
      expect(await accessibilityProblems(page), `${name} at ${width} px`).toEqual([]);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${name} at ${width} px scrolls sideways`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(shots, `${name}-${width}.png`), fullPage: false });
      expect(problems, `${name} at ${width} px`).toEqual([]);
      await page.context().close();
    }
  }

  it("browses and filters the stories, and opens one", async () => {
    await checkPage("stories", "/");
    const { page, problems } = await open(1280, "/");

    const firstTime = await page.locator("time[data-local]").first().textContent();
    await page.getByLabel("Topic").selectOption("treaty-status");
    await page.getByRole("button", { name: "Show stories" }).click();
    await page.waitForURL(/topic=treaty-status/);
    const tags = await page.locator(".story .tags").allTextContents();
    const title = (await page.locator(".story h2 a").first().textContent()) ?? "";
    await page.locator(".story h2 a").first().click();
    await page.waitForURL(/\/stories\//);

    expect(firstTime).not.toMatch(/UTC$/);
    expect(tags.length).toBeGreaterThan(0);
    for (const tag of tags) expect(tag).toContain("Treaty status");
    expect(await page.locator("h1").textContent()).toBe(title);
    expect(await page.locator(".sources li").count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator("#why").count()).toBe(1);
    expect(problems).toEqual([]);
    await checkPage("story", new URL(page.url()).pathname);
    await page.context().close();
  }, 120_000);

  it("subscribes, confirms from the mail, changes the filter from an alert's manage link, and unsubscribes", async () => {
    await checkPage("subscribe", "/subscribe");
    const { page, problems } = await open(390, "/subscribe");

    await page.getByLabel("Treaty status: withdrawal, accession, ratification, compliance").check();
    await page.getByLabel("Countries").fill("Estonia, Lithuania");
    await expect.poll(() => page.locator("#preview").textContent()).toMatch(/of the last 30 days match|No story/);
    await page.getByLabel("Daily digest").check();
    const zone = await page.getByLabel("Time zone").inputValue();
    await page.getByLabel("As it happens").check();
    await page.getByLabel("Email address").fill("reader@example.org");
    await page.getByRole("button", { name: "Send me the confirmation" }).click();
    await page.waitForURL(/\/subscribe\/sent$/);
    expect(await page.locator("h1").textContent()).toBe("Check your inbox");
    expect(zone).toBe("Europe/Vilnius");

    const [confirmation] = await sink.received(1);
    const confirmLink = /http:\/\/\S+\/v1\/confirm\?token=[\w-]+/.exec(confirmation?.text ?? "")?.[0] ?? "";
    expect(confirmation?.to).toMatchObject({ text: "reader@example.org" });
    await page.goto(confirmLink);
    await page.getByRole("button", { name: "Confirm" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Confirmed");

    late = await lateFeedServer();
    await runtime.store.addFeed(late.urls[0] ?? "", runtime.clock.now().toISOString());
    const alert = (await sink.received(2))[1];
    const manageLink = /Change or pause them: (http:\/\/\S+\/manage\/[\w-]+)/.exec(alert?.text ?? "")?.[1] ?? "";
    expect(alert?.subject).toContain("Estonia");
    expect(manageLink).not.toBe("");

    await checkPage("manage", new URL(manageLink).pathname);
    await page.goto(manageLink);
    await page.getByLabel("Use of landmines").check();
    await page.getByLabel("Countries").fill("Ukraine");
    await page.getByLabel("Weekly digest").check();
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL(/done=updated/);
    const subscriptionId = (await runtime.subscriptions.findByUnsubscribeToken(manageLink.split("/").pop() ?? ""))?.id;
    const changed = await runtime.subscriptions.findSubscription(subscriptionId ?? "");
    expect(changed?.filter).toEqual({ topics: ["treaty-status", "mine-use"], countries: ["UA"] });
    expect(changed?.cadence).toMatchObject({ kind: "weekly", timeZone: "Europe/Vilnius" });

    await page.getByRole("button", { name: "Unsubscribe" }).click();
    await page.waitForURL(/done=unsubscribe/);
    expect(await page.getByRole("status").textContent()).toContain("Unsubscribed.");
    expect((await runtime.subscriptions.findSubscription(subscriptionId ?? ""))?.status).toBe("unsubscribed");
    expect(problems).toEqual([]);
    await page.context().close();
  }, 180_000);
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function lateFeedServer(): Promise<FeedServer> {
  const folder = await mkdtemp(join(tmpdir(), "tw-late-feed-"));
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, "tallinn-courier.xml"), LATE_FEED);
  const server = await startFeedServer(folder);
  return {
    urls: server.urls,
    close: async () => {
      await server.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}
