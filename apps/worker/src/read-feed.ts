/** What the fetch stage loads to read a feed it found changed: the parser and the classifier. */
export { parseFeed } from "@treatywatch/feeds/parse";
export { assessItems, normaliseEntries } from "./prepare.ts";
