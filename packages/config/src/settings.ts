import * as z from "./zod.ts";

/** A whole number read from its text, as the environment holds numbers, held to `checks`. */
export const integer = (...checks: z.core.$ZodCheck<number>[]) => z.pipe(z.coerce.number(), z.int().check(...checks));

/** An http(s) address. */
export const webAddress = z.url({ protocol: /^https?$/ });
