import { describe, expect, it } from "vitest";
import { parseExpectation } from "./feedparser-expect.ts";

describe("parseExpectation", () => {
  it("reads Python's string literals, triple-quoted ones among them", () => {
    expect(parseExpectation(`not bozo and entries[0]['title'] == u'Caf\\xe9 "mines"'`)).toEqual([
      [{ path: ["entries", 0, "title"], expected: 'Café "mines"' }],
    ]);
    expect(parseExpectation(`not bozo and entries[0]['description'] == """it's <b>"quoted"</b>"""`)).toEqual([
      [{ path: ["entries", 0, "description"], expected: `it's <b>"quoted"</b>` }],
    ]);
  });
});
