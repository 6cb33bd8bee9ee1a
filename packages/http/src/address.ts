import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** NAT64 prefixes (RFC 6052 well-known and RFC 8215 local-use) embed an IPv4 address in the low 32 bits. */
const NAT64_PREFIXES: ReadonlyArray<readonly [ipaddr.IPv6, number]> = [
  [ipaddr.IPv6.parse("64:ff9b::"), 96],
  [ipaddr.IPv6.parse("64:ff9b:1::"), 48],
];

/** The IPv4 address an IPv6 form carries (mapped, NAT64), if any. */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  if (address.isIPv4MappedAddress()) return address.toIPv4Address();
  if (NAT64_PREFIXES.some(([prefix, bits]) => address.match(prefix, bits))) {
    const bytes = address.toByteArray().slice(-4);
    return new ipaddr.IPv4(bytes);
  }
  return undefined;
}

/**
 * Whether an outbound connection to this address must be refused: anything but
 * ordinary public unicast (loopback, private, link-local, CGNAT, benchmarking,
 * multicast, reserved, unspecified ...), including IPv4 hidden in IPv6 forms.
 * A string that is not an IP address is refused too.
 */
export function isRefusedAddress(text: string): boolean {
  const bare = text.replace(/^\[|\]$/g, "");
  if (!isIP(bare)) return true;
  const address: Address = ipaddr.parse(bare);
  if (address.kind() === "ipv6") {
    const inner = embeddedIPv4(address as ipaddr.IPv6);
    if (inner) return isRefusedAddress(inner.toString());
  }
  return address.range() !== "unicast";
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
  const address = ipaddr.process(bare);
  return allow.ranges.some(([range, bits]) => address.kind() === range.kind() && address.match(range, bits));
}

/** Whether a connection to this resolved address is allowed. */
export function addressAllowed(address: string, allow: AllowList): boolean {
  return !isRefusedAddress(address) || inAllowedRange(address, allow);
}

/** Whether a host name is allow-listed as a whole (its addresses are then not checked). */
export function hostAllowed(hostname: string, allow: AllowList): boolean {
  return allow.hosts.has(hostname.toLowerCase().replace(/\.$/, ""));
}
