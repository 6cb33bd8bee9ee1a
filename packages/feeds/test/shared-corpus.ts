import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The shared corpora beside the repository (`../shared/corpus`), read in place and never copied in. */
export const SHARED_CORPUS = join(fileURLToPath(new URL("../../..", import.meta.url)), "..", "shared", "corpus");

/** Every file below `dir` whose name matches, in a stable order. */
export function filesUnder(dir: string, name: RegExp): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return filesUnder(path, name);
      return name.test(entry) ? [path] : [];
    });
}
