import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * Reads a feeds file: one feed a line, `#` starts a comment. A line may be an
 * http(s) URL, or a path relative to the file (for offline sample feeds).
 */
export async function readFeedList(path: string): Promise<string[]> {
  const text = await readFile(path, "utf8");
  const base = dirname(resolve(path));
  const urls: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (!line) continue;
    urls.push(/^https?:\/\//i.test(line) ? line : pathToFileURL(resolve(base, line)).toString());
  }
  return urls;
}
