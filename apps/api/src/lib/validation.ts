import type { Hook } from "@hono/zod-openapi";
import type { AppEnv } from "./env.ts";
import { ApiError } from "./errors.ts";

/** Zod failures become one 400 naming every field at fault. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (result.success) return;
  const details = result.error.issues.map((issue) => ({
    path: `${result.target}${issue.path.length ? "." : ""}${issue.path.join(".")}`,
    message: issue.message,
  }));
  const described = details.map((detail) => `${detail.path}: ${detail.message}`).join("; ");
  throw new ApiError("BAD_REQUEST", `invalid ${result.target}: ${described}`, details);
};
