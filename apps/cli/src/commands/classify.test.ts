import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { classifyCommand } from "./classify.ts";

async function run(lines: string[]): Promise<{ code: number; output: Array<Record<string, unknown>> }> {
  const input = Readable.from(lines.map((line) => `${line}\n`));
  const sink = new PassThrough();
  const chunks: string[] = [];
  sink.on("data", (chunk: Buffer) => chunks.push(chunk.toString("utf8")));
  const code = await classifyCommand(input, sink, "2025-06-30T12:00:00.000Z");
  const output = chunks
    .join("")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { code, output };
}

describe("treatywatch classify", () => {
  it("finishes on input that repeats an id, and keeps a report of another treaty out of the story", async () => {
    const published = "2025-05-30T10:00:00Z";
    const { code, output } = await run(
      [
        { id: "x", title: "Lithuania's parliament approves exit from landmines treaty amid Russia threat" },
        { id: "y", title: "Litauen tritt aus der Ottawa-Konvention über Antipersonenminen aus" },
        { id: "z", title: "Литва вышла из Оттавской конвенции о запрете противопехотных мин" },
        { id: "x", title: "Lithuania's parliament votes to leave the convention on cluster munitions" },
        {
          id: "w",
          title:
            "Lithuania's parliament votes to leave the Ottawa treaty on landmines and the convention on cluster munitions",
        },
      ].map((line) => JSON.stringify({ ...line, published })),
    );

    expect(code).toBe(0);
    const stories = output.map((line) => line.storyId);
    expect(new Set(stories.slice(0, 3)).size).toBe(1);
    expect(stories[3]).not.toBe(stories[0]);
  });

  it("names every item by its story as it stands once the input ends: a later report can show two stories to be one", async () => {
    const english = {
      id: "en",
      title: "Lithuania's parliament approves exit from landmines treaty amid Russia threat",
      published: "2025-05-30T10:00:00Z",
    };
    const german = {
      id: "de",
      title: "Litauen tritt aus der Ottawa-Konvention über Antipersonenminen aus",
      published: "2025-05-30T10:00:00Z",
    };
    const russian = {
      id: "ru",
      title: "Литва вышла из Оттавской конвенции о запрете противопехотных мин",
      published: "2025-05-30T10:00:00Z",
    };

    const apart = await run([JSON.stringify(english), JSON.stringify(german)]);
    const bridged = await run([JSON.stringify(english), JSON.stringify(german), JSON.stringify(russian)]);

    expect(apart.output[0]?.storyId).not.toBe(apart.output[1]?.storyId);
    expect(new Set(bridged.output.map((line) => line.storyId)).size).toBe(1);
  });

  it("writes one verdict per item in input order, with a shared storyId for one story", async () => {
    const { code, output } = await run([
      JSON.stringify({ id: "a", title: "Lithuania quits Ottawa Convention banning anti-personnel mines" }),
      JSON.stringify({ id: "b", title: "Senators edge Maple Leafs in Ottawa overtime thriller" }),
      JSON.stringify({
        id: "c",
        title: "Lithuania leaves the Ottawa Convention on anti-personnel mines, citing Russia",
        source: "Baltic Desk",
      }),
    ]);

    expect(code).toBe(0);
    expect(output.map((line) => line.id)).toEqual(["a", "b", "c"]);
    expect(output.map((line) => line.relevant)).toEqual([true, false, true]);
    expect(output[0]?.storyId).toBe(output[2]?.storyId);
    expect(output[1]?.storyId).not.toBe(output[0]?.storyId);
    expect(Object.keys(output[0] ?? {}).sort()).toEqual(
      ["categories", "countries", "id", "language", "relevant", "score", "storyId", "topics", "treaties", "why"].sort(),
    );
  });

  it("answers a bad line with an error line in its place and exit code 1", async () => {
    const { code, output } = await run([
      "not json",
      JSON.stringify({ title: "no id" }),
      JSON.stringify({ id: "ok", title: "Demining teams clear unexploded ordnance near Kharkiv" }),
    ]);

    expect(code).toBe(1);
    expect(output[0]).toMatchObject({ line: 1 });
    expect(output[1]).toMatchObject({ line: 2, error: expect.stringContaining("id") });
    expect(output[2]).toMatchObject({ id: "ok", relevant: true });
  });

  it("gives a verdict for empty, binary, huge and mixed-script text, and reads a lead or a language when given", async () => {
    const { code, output } = await run([
      JSON.stringify({ id: "empty", title: "" }),
      JSON.stringify({ id: "binary", title: "\u0000\u0001PK\u0003\u0004\uFFFD".repeat(100) }),
      JSON.stringify({ id: "huge", title: "mine ".repeat(250_000) }),
      JSON.stringify({ id: "mixed", title: "Україна landmine 地雷 Minen", language: "en" }),
      JSON.stringify({ id: "lead", title: "Sapper dies near Kherson", lead: "A deminer was killed clearing a field." }),
    ]);

    expect(code).toBe(0);
    expect(output.map((line) => line.id)).toEqual(["empty", "binary", "huge", "mixed", "lead"]);
    for (const line of output) expect(typeof line.relevant).toBe("boolean");
    expect(output[4]).toMatchObject({ relevant: true, topics: expect.arrayContaining(["clearance"]) });
  });
});
