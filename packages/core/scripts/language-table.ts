/**
 * Writes src/language-table.ts from the installed eld's small n-gram table: the n-grams that
 * score any of our six languages, with those scores, eld's byte dictionary and its letter
 * class, so detection restricted to our languages reads a table a sixth the size and scores
 * six languages instead of sixty. `language-table.test.ts` checks the committed file is what
 * this writes and that detection gives eld's answer.
 *
 *   npm run language-table -w @treatywatch/core
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { languageTableSource } from "../src/language-table-source.ts";

const target = fileURLToPath(new URL("../src/language-table.ts", import.meta.url));
writeFileSync(target, await languageTableSource());
process.stdout.write(`wrote ${target}\n`);
