// Completes dist/ as the package other services install: compiled JavaScript with its
// declarations, and a manifest that points at them instead of the TypeScript source.
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";

const source = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const manifest = {
  name: source.name,
  version: source.version,
  description: source.description,
  type: "module",
  exports: { ".": { types: "./index.d.ts", default: "./index.js" } },
  main: "./index.js",
  types: "./index.d.ts",
  engines: { node: ">=20" },
  dependencies: source.dependencies,
};
writeFileSync(new URL("../dist/package.json", import.meta.url), `${JSON.stringify(manifest, null, 2)}\n`);
copyFileSync(new URL("../README.md", import.meta.url), new URL("../dist/README.md", import.meta.url));
