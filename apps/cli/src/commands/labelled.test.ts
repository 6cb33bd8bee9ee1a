import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LABELLED_SETS, parseLabelled } from "./labelled.ts";

const read = (file: string) => parseLabelled(readFileSync(file, "utf8"));

describe("our labelled sets", () => {
  it("parse whole: every line of each is a labelled item", () => {
    for (const file of Object.values(LABELLED_SETS)) expect(read(file).errors).toEqual([]);
  });

  it("keep the held-out set apart: none of its headlines or addresses is in a set training reads", () => {
    const training = [LABELLED_SETS.news, LABELLED_SETS.newsLater, LABELLED_SETS.written].flatMap(
      (file) => read(file).items,
    );
    const titles = new Set(training.map((item) => item.title.trim().toLowerCase()));
    const links = new Set(training.flatMap((item) => (item.link ? [item.link] : [])));
    const heldOut = read(LABELLED_SETS.heldout).items;

    expect(heldOut.length).toBeGreaterThan(400);
    expect(heldOut.filter((item) => titles.has(item.title.trim().toLowerCase())).map((item) => item.id)).toEqual([]);
    expect(heldOut.filter((item) => item.link && links.has(item.link)).map((item) => item.id)).toEqual([]);
  });
});
