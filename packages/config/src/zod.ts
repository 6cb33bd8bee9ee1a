/**
 * zod's functional build, for what every function loads at start (its settings, the messages it
 * reads and sends). The full build took about 45 ms of a Lambda cold start; this one, imported
 * by name (`import * as z`) so that a bundle keeps only what it uses, almost nothing. It carries
 * no messages of its own, so it is given the English ones the full build has, unless a language
 * is set already: both builds share one configuration, and one chosen elsewhere stays.
 */
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

if (!config().localeError) config(en());

export * from "zod/mini";
