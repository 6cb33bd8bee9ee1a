import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * An IPv6 address as its 16 bytes say, never as a dotted suffix suggests: ipaddr.js reads
 * `::127.0.0.1` as `::ffff:127.0.0.1`, while the URL parser (and the socket) take it as
 * `::7f00:1`. The URL parser's own serialisation is what a connection would use.
 */
function parseIPv6(text: string): ipaddr.IPv6 {
  return ipaddr.IPv6.parse(new URL(`http://[${text}]/`).hostname.replace(/^\[|\]$/g, ""));
}

function parseAddress(bare: string): Address {
  return isIP(bare) === 6 ? parseIPv6(bare) : ipaddr.IPv4.parse(bare);
}

const v6 = (prefix: string, bits: number) => [ipaddr.IPv6.parse(prefix), bits] as const;

/**
 * IPv6 forms that carry an IPv4 address, where the bytes sit, and what they are called. A
 * connection to one of them reaches (or is translated to) that IPv4 address, so it is refused
 * like the IPv4 address itself.
 */
const EMBEDDING: ReadonlyArray<{ range: readonly [ipaddr.IPv6, number]; rule: string; at: number }> = [
  { range: v6("::ffff:0:0", 96), rule: "IPv4-mapped IPv6 (::ffff:0:0/96)", at: 12 },
  { range: v6("::ffff:0:0:0", 96), rule: "IPv4-translated IPv6 (::ffff:0:0:0/96)", at: 12 },
  { range: v6("64:ff9b::", 96), rule: "NAT64 (64:ff9b::/96)", at: 12 },
  // Deprecated, but still routed by some stacks: `::a.b.c.d`. `::` and `::1` are caught first.
  { range: v6("::", 96), rule: "IPv4-compatible IPv6 (::/96)", at: 12 },
  { range: v6("2002::", 16), rule: "6to4 (2002::/16)", at: 2 },
];

/**
 * Transition prefixes refused whatever they carry: where the IPv4 address sits in a local-use
 * NAT64 prefix depends on the network, and Teredo's is the relay's, not the destination's.
 */
const REFUSED_PREFIXES: ReadonlyArray<{ range: readonly [ipaddr.IPv6, number]; rule: string }> = [
  { range: v6("64:ff9b:1::", 48), rule: "local-use NAT64 (64:ff9b:1::/48)" },
  { range: v6("2001::", 32), rule: "Teredo (2001::/32)" },
];

/** ISATAP interface identifiers (`…:0:5efe:a.b.c.d`, `…:200:5efe:a.b.c.d`) carry an IPv4 address in any prefix. */
function isatapIPv4(bytes: number[]): ipaddr.IPv4 | undefined {
  const [a, b, c, d] = bytes.slice(8, 12);
  if ((a === 0x00 || a === 0x02) && b === 0x00 && c === 0x5e && d === 0xfe) return new ipaddr.IPv4(bytes.slice(12, 16));
  return undefined;
}

/** Names for ipaddr.js ranges, as an error should say them. */
const RANGE_NAMES: Record<string, string> = {
  unspecified: "unspecified",
  broadcast: "broadcast",
  multicast: "multicast",
  linkLocal: "link-local",
  loopback: "loopback",
  carrierGradeNat: "shared address space (100.64.0.0/10)",
  private: "private-use",
  reserved: "reserved",
  uniqueLocal: "unique local (fc00::/7)",
  benchmarking: "benchmarking",
  discard: "discard-only (100::/64)",
  amt: "AMT (2001:3::/32)",
  as112: "AS112",
  as112v6: "AS112",
  orchid2: "ORCHIDv2",
  deprecated: "deprecated",
  droneRemoteIdProtocolEntityTags: "drone remote ID",
};

/**
 * The rule an outbound connection to this address breaks, or undefined for ordinary public
 * unicast. Loopback, private, link-local, CGNAT, benchmarking, multicast, reserved,
 * unspecified ... are refused, and so is every IPv6 form that carries a refused IPv4 address.
 * A string that is not an IP address is refused too. The rule, not the address, is what
 * an error names.
 */
export function refusalRule(text: string): string | undefined {
  const bare = text.replace(/^\[|\]$/g, "");
  if (!isIP(bare)) return "not an IP address";
  const address = parseAddress(bare);
  if (address.kind() === "ipv4") {
    const range = address.range();
    return range === "unicast" ? undefined : (RANGE_NAMES[range] ?? range);
  }
  const ipv6 = address as ipaddr.IPv6;
  const range = ipv6.range();
  if (range === "unspecified" || range === "loopback") return RANGE_NAMES[range];
  for (const { range: prefix, rule } of REFUSED_PREFIXES) if (ipv6.match(prefix[0], prefix[1])) return rule;
  const bytes = ipv6.toByteArray();
  for (const { range: prefix, rule, at } of EMBEDDING) {
    if (!ipv6.match(prefix[0], prefix[1])) continue;
    const inner = refusalRule(new ipaddr.IPv4(bytes.slice(at, at + 4)).toString());
    return inner ? `${rule} of a ${inner} address` : undefined;
  }
  const isatap = isatapIPv4(bytes);
  const inner = isatap && refusalRule(isatap.toString());
  if (inner) return `ISATAP of a ${inner} address`;
  return range === "unicast" ? undefined : (RANGE_NAMES[range] ?? range);
}

/** Whether an outbound connection to this address must be refused (see `refusalRule`). */
export function isRefusedAddress(text: string): boolean {
  return refusalRule(text) !== undefined;
}

/** Hosts and address ranges that may be reached although the guard would refuse them. */
export interface AllowList {
  /** Host names whose resolved addresses are not checked (e.g. a test or demo name). */
  hosts: ReadonlySet<string>;
  ranges: ReadonlyArray<readonly [Address, number]>;
}

export const EMPTY_ALLOW_LIST: AllowList = { hosts: new Set(), ranges: [] };

/**
 * Reads allow-list entries: an IP address, a CIDR range (`127.0.0.0/8`) or a host name.
 * Throws on an entry that is none of these, so a typo stops start-up.
 */
export function parseAllowList(entries: readonly string[]): AllowList {
  const hosts = new Set<string>();
  const ranges: Array<readonly [Address, number]> = [];
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (/^[0-9a-f:.[\]]+\/\d+$/.test(entry)) {
      ranges.push(ipaddr.parseCIDR(entry.replace(/^\[|\](?=\/)/g, "")));
    } else if (isIP(entry.replace(/^\[|\]$/g, ""))) {
      const address = ipaddr.parse(entry.replace(/^\[|\]$/g, ""));
      ranges.push([address, address.kind() === "ipv4" ? 32 : 128]);
    } else if (/^[a-z0-9.-]+$/.test(entry)) {
      hosts.add(entry.replace(/\.$/, ""));
    } else {
      throw new Error(`not an address, range or host name: "${raw}"`);
    }
  }
  return { hosts, ranges };
}

/** Whether an address lies in one of the allow list's ranges (public or not). */
export function inAllowedRange(text: string, allow: AllowList): boolean {
  const bare = text.replace(/^\[|\]$/g, "");
  if (!isIP(bare)) return false;
  const parsed = parseAddress(bare);
  // An allowed IPv4 range covers its IPv4-mapped spelling too.
  const address =
    parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()
      ? (parsed as ipaddr.IPv6).toIPv4Address()
      : parsed;
  return allow.ranges.some(([range, bits]) => address.kind() === range.kind() && address.match(range, bits));
}

/** Whether a connection to this resolved address is allowed. */
export function addressAllowed(address: string, allow: AllowList): boolean {
  return !isRefusedAddress(address) || inAllowedRange(address, allow);
}

/** The rule a connection to this address breaks, unless the allow-list lets it through. */
export function refusedBy(address: string, allow: AllowList): string | undefined {
  return inAllowedRange(address, allow) ? undefined : refusalRule(address);
}

/** Whether a host name is allow-listed as a whole (its addresses are then not checked). */
export function hostAllowed(hostname: string, allow: AllowList): boolean {
  return allow.hosts.has(hostname.toLowerCase().replace(/\.$/, ""));
}

/**
 * An address as it may be shown (in a log line or an error), without the user name and password
 * written in it; it need not parse as a URL.
 */
export function withoutCredentials(raw: string): string {
  return raw.replace(/^([a-z][\w+.-]*:\/\/)[^/?#@]*@/i, "$1");
}
