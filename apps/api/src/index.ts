export * from "./app.ts";
export type { AppEnv, Services } from "./lib/env.ts";
export * from "./lib/errors.ts";
export * from "./serve.ts";
