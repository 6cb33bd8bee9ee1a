import * as z from "./zod.ts";

/** A whole number read from its text, as the environment holds numbers, held to `checks`. */
export const integer = (...checks: Parameters<ReturnType<typeof z.int>["check"]>) =>
  z.pipe(z.coerce.number(), z.int().check(...checks));

/** A setting that takes `fallback` when it is unset. */
export const unsetIs = z._default;

/** An http(s) address. */
export const webAddress = z.url({ protocol: /^https?$/ });
