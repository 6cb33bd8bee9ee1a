import type { FeedDamage } from "@treatywatch/core";
import iconv from "iconv-lite";

const BOMS: ReadonlyArray<readonly [number[], string]> = [
  [[0xef, 0xbb, 0xbf], "utf-8"],
  [[0xff, 0xfe], "utf-16le"],
  [[0xfe, 0xff], "utf-16be"],
];

function bomCharset(bytes: Uint8Array): { charset: string; skip: number } | undefined {
  for (const [mark, charset] of BOMS) {
    if (mark.every((byte, i) => bytes[i] === byte)) return { charset, skip: mark.length };
  }
  return undefined;
}

/**
 * UTF-16 with no byte-order mark, known by how its first character, `<`, is written: one
 * byte of it and a zero byte, in one order or the other (XML 1.0, appendix F). An XML
 * declaration in it cannot be read as ASCII, so this is the only sign there is.
 */
function utf16Pattern(bytes: Uint8Array): string | undefined {
  if (bytes.length < 4) return undefined;
  if (bytes[0] === 0x3c && bytes[1] === 0 && bytes[2] !== 0 && bytes[3] === 0) return "utf-16le";
  if (bytes[0] === 0 && bytes[1] === 0x3c && bytes[2] === 0 && bytes[3] !== 0) return "utf-16be";
  return undefined;
}

export function headerCharset(contentType: string | undefined): string | undefined {
  return /charset\s*=\s*"?([\w.:-]+)"?/i.exec(contentType ?? "")?.[1]?.toLowerCase();
}

function declaredCharset(bytes: Uint8Array): string | undefined {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 512));
  return /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1]?.toLowerCase();
}

/** A body as text, with what decoding had to repair, if anything. */
export interface DecodedBody {
  text: string;
  damage?: FeedDamage | undefined;
}

const REPLACEMENT = /\ufffd/g;
const NON_ASCII = /[\u0080-\u{10ffff}]/gu;

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

/** U+FFFD written as valid UTF-8 in the body itself (EF BF BD), which is not damage. */
function encodedReplacements(bytes: Uint8Array): number {
  let found = 0;
  for (let i = bytes.indexOf(0xef); i >= 0 && i < bytes.length - 2; i = bytes.indexOf(0xef, i + 1)) {
    if (bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) found++;
  }
  return found;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function decodeUtf8(body: Uint8Array, declared: boolean): DecodedBody {
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(body) };
  } catch {
    // Not valid UTF-8: repaired below, never refused.
  }
  const text = new TextDecoder("utf-8").decode(body);
  const replaced = count(text, REPLACEMENT) - encodedReplacements(body);
  if (!declared && replaced > count(text, NON_ASCII) - count(text, REPLACEMENT)) {
    // No character set named anywhere, and more bytes invalid as UTF-8 than characters that
    // decoded: a legacy single-byte encoding, in practice windows-1252 (a superset of
    // ISO-8859-1), as browsers assume. UTF-8 with a few bad bytes has far more good ones.
    return {
      text: iconv.decode(Buffer.from(body), "windows-1252"),
      damage: { kind: "encoding", message: "not UTF-8 and no character set declared: read as windows-1252" },
    };
  }
  return {
    text,
    damage: {
      kind: "encoding",
      message: `${plural(replaced, "invalid UTF-8 sequence")} replaced with U+FFFD`,
    },
  };
}

/**
 * Decodes a feed body. The byte-order mark wins, then UTF-16's own pattern of bytes, then the
 * HTTP header, then the XML declaration; UTF-8 is the default. Decoding never fails: invalid bytes become U+FFFD,
 * a character set nobody knows is read as UTF-8, and what was repaired is reported.
 */
export function decodeBody(bytes: Uint8Array, contentType?: string): DecodedBody {
  const bom = bomCharset(bytes);
  const named = bom?.charset ?? utf16Pattern(bytes) ?? headerCharset(contentType) ?? declaredCharset(bytes);
  const body = bytes.subarray(bom?.skip ?? 0);
  const charset = named ?? "utf-8";
  if (charset === "utf-8" || charset === "utf8") return decodeUtf8(body, named !== undefined);
  if (!iconv.encodingExists(charset)) {
    const decoded = decodeUtf8(body, true);
    const repaired = decoded.damage ? `; ${decoded.damage.message}` : "";
    return {
      text: decoded.text,
      damage: { kind: "encoding", message: `unknown character set "${charset}": read as UTF-8${repaired}` },
    };
  }
  const text = iconv.decode(Buffer.from(body), charset);
  const replaced = count(text, REPLACEMENT);
  return replaced > 0
    ? {
        text,
        damage: {
          kind: "encoding",
          message: `${plural(replaced, `invalid ${charset} sequence`)} replaced with U+FFFD`,
        },
      }
    : { text };
}
