import { describe, expect, it } from "vitest";
import { EMPTY_ALLOW_LIST, parseAllowList } from "./address.ts";
import { WEBHOOK_URL_RULE, webhookUrlProblem } from "./webhook-url.ts";

describe("webhookUrlProblem, with nothing allow-listed", () => {
  it.each([
    "https://hooks.example.org/treatywatch",
    "https://hooks.example.org:8443/x?team=arms",
    "https://xn--80ak6aa92e.example/hook",
  ])("accepts %s", (url) => {
    expect(webhookUrlProblem(url, EMPTY_ALLOW_LIST)).toBeUndefined();
  });

  it.each([
    ["http on a public name", "http://hooks.example.org/x"],
    ["a loopback address", "http://127.0.0.1:9911/hook"],
    ["a loopback address over https", "https://127.0.0.1/hook"],
    ["a public address literal", "https://203.0.113.5/hook"],
    ["an IPv6 literal", "https://[2001:db8::1]/hook"],
    ["a decimal IPv4 spelling", "https://2130706433/hook"],
    ["localhost", "https://localhost/hook"],
    ["a single-label name", "https://intranet/hook"],
    ["another scheme", "ftp://hooks.example.org/x"],
  ])("refuses %s, stating the rule", (_case, url) => {
    expect(webhookUrlProblem(url, EMPTY_ALLOW_LIST)).toBe(WEBHOOK_URL_RULE);
  });

  it("refuses credentials in the URL and what is not a URL", () => {
    expect(webhookUrlProblem("https://user:pw@hooks.example.org/x", EMPTY_ALLOW_LIST)).toMatch(/user name/);
    expect(webhookUrlProblem("hooks.example.org/x", EMPTY_ALLOW_LIST)).toBe(`not a URL: ${WEBHOOK_URL_RULE}`);
  });
});

describe("webhookUrlProblem, with hosts in TREATYWATCH_FETCH_ALLOW", () => {
  const allow = parseAllowList(["127.0.0.1", "10.1.0.0/16", "receiver.internal"]);

  it.each([
    "http://127.0.0.1:9911/hook",
    "https://127.0.0.1/hook",
    "http://10.1.2.3/hook",
    "http://receiver.internal:8080/hook",
  ])("accepts %s", (url) => {
    expect(webhookUrlProblem(url, allow)).toBeUndefined();
  });

  it.each([
    "http://127.0.0.2:9911/hook",
    "http://10.2.0.1/hook",
    "http://[::1]:9911/hook",
    "http://other.internal/hook",
  ])("still refuses %s, which is not listed", (url) => {
    expect(webhookUrlProblem(url, allow)).toBe(WEBHOOK_URL_RULE);
  });
});
