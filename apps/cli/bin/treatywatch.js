#!/usr/bin/env node
// The workspace ships TypeScript source; tsx compiles it on the fly so the CLI needs no build step.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
