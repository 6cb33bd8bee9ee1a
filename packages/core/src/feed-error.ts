import type { FeedError, FeedErrorKind } from "./types.ts";

const MAX_MESSAGE_CHARS = 300;

/**
 * A reason as one short line: parsers put the position on lines of their own
 * ("Unexpected close tag\nLine: 3\nColumn: 5\nChar: >"), and a user reads one line per feed.
 */
export function oneLineReason(reason: unknown): string {
  const text =
    reason instanceof Error
      ? reason.name === "Error" || reason.message.startsWith(reason.name)
        ? reason.message
        : `${reason.name}: ${reason.message}`
      : String(reason);
  const line = text
    // sax counts lines from 0
    .replace(
      /\s*\bLine: (\d+)\s+Column: (\d+)\s+Char: .*$/s,
      (_all, line: string, column: string) => ` (line ${Number(line) + 1}, column ${column})`,
    )
    .replace(/\s+/g, " ")
    .trim();
  return line.length > MAX_MESSAGE_CHARS ? `${line.slice(0, MAX_MESSAGE_CHARS - 1)}…` : line || "unknown error";
}

/** A feed error whose message is one line, whatever the reason was. */
export function feedError(kind: FeedErrorKind, reason: unknown): FeedError {
  return { kind, message: oneLineReason(reason) };
}
