import { describe, expect, it } from "vitest";
import { manageLinkFor, renderAlert } from "./render.ts";

describe("manageLinkFor", () => {
  it.each([
    ["https://alerts.example.org/v1/unsubscribe?token=abc_DEF-123", "https://alerts.example.org/manage/abc_DEF-123"],
    ["http://localhost:8787/v1/unsubscribe?token=t0k", "http://localhost:8787/manage/t0k"],
    ["https://example.org/treatywatch/v1/unsubscribe?token=t0k", "https://example.org/treatywatch/manage/t0k"],
    ["https://example.org/v1/unsubscribe", undefined],
    ["https://example.org/elsewhere?token=t0k", undefined],
    ["not a url", undefined],
  ])("%s gives %s", (unsubscribe, manage) => {
    expect(manageLinkFor(unsubscribe)).toBe(manage);
  });
});

describe("the footer of every alert", () => {
  it("links the manage page and the one-click unsubscribe", () => {
    const alert = renderAlert({
      story: { title: "Deminers clear a field", summary: "", sources: [] },
      reasons: [],
      unsubscribeUrl: "https://alerts.example.org/v1/unsubscribe?token=tok",
    });

    expect(alert.text).toContain("Change or pause them: https://alerts.example.org/manage/tok");
    expect(alert.text).toContain("Unsubscribe: https://alerts.example.org/v1/unsubscribe?token=tok");
    expect(alert.html).toContain('<a href="https://alerts.example.org/manage/tok">Change or pause them</a>');
  });
});
