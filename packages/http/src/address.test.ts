import { describe, expect, it } from "vitest";
import {
  addressAllowed,
  hostAllowed,
  isRefusedAddress,
  parseAllowList,
  refusalRule,
  withoutCredentials,
} from "./address.ts";

describe("isRefusedAddress", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.8.9.10", "loopback range"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local (cloud metadata)"],
    ["100.64.0.1", "CGNAT"],
    ["198.18.0.1", "benchmarking"],
    ["198.19.255.255", "benchmarking"],
    ["224.0.0.1", "multicast"],
    ["240.0.0.1", "reserved"],
    ["255.255.255.255", "broadcast"],
    ["0.0.0.0", "unspecified"],
    ["192.0.2.10", "documentation"],
    ["::", "IPv6 unspecified"],
    ["::1", "IPv6 loopback"],
    ["fe80::1", "IPv6 link-local"],
    ["fc00::1", "IPv6 unique local"],
    ["ff02::1", "IPv6 multicast"],
    ["::ffff:127.0.0.1", "IPv4-mapped loopback"],
    ["::ffff:7f00:1", "IPv4-mapped loopback, hex"],
    ["64:ff9b::a9fe:a9fe", "NAT64 of link-local"],
    ["64:ff9b::10.0.0.1", "NAT64 of private"],
    ["[::1]", "bracketed IPv6 loopback"],
    ["localhost", "not an address"],
  ])("refuses %s (%s)", (address) => {
    expect(isRefusedAddress(address)).toBe(true);
  });

  it.each([
    ["::127.0.0.1", "IPv4-compatible IPv6 (::/96) of a loopback address"],
    ["::7f00:1", "IPv4-compatible IPv6 (::/96) of a loopback address"],
    ["[::169.254.169.254]", "IPv4-compatible IPv6 (::/96) of a link-local address"],
    ["::a00:1", "IPv4-compatible IPv6 (::/96) of a private-use address"],
    ["::ffff:127.0.0.1", "IPv4-mapped IPv6 (::ffff:0:0/96) of a loopback address"],
    ["::ffff:0:7f00:1", "IPv4-translated IPv6 (::ffff:0:0:0/96) of a loopback address"],
    ["64:ff9b::7f00:1", "NAT64 (64:ff9b::/96) of a loopback address"],
    ["2002:7f00:1::", "6to4 (2002::/16) of a loopback address"],
    ["2002:a9fe:a9fe:1::1", "6to4 (2002::/16) of a link-local address"],
    ["64:ff9b:1::808:808", "local-use NAT64 (64:ff9b:1::/48)"],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo (2001::/32)"],
    ["2a00:1450:4001:81c::5efe:7f00:1", "ISATAP of a loopback address"],
    ["2a00:1450:4001:81c:200:5efe:a00:1", "ISATAP of a private-use address"],
    ["::1", "loopback"],
    ["127.0.0.1", "loopback"],
    ["example.org", "not an IP address"],
  ])("refuses %s, naming the rule: %s", (address, rule) => {
    expect(refusalRule(address)).toBe(rule);
  });

  it.each([
    ["93.184.215.14"],
    ["1.1.1.1"],
    ["2606:4700:4700::1111"],
    ["::ffff:93.184.215.14"],
    ["64:ff9b::808:808"],
    ["::808:808"],
    ["2002:808:808::1"],
    ["2a00:1450:4001:81c::5efe:808:808"],
  ])("lets public %s through", (address) => {
    expect(isRefusedAddress(address)).toBe(false);
  });
});

describe("allow-list", () => {
  it("lets listed addresses, ranges and host names through and nothing else", () => {
    const allow = parseAllowList(["127.0.0.1", "10.20.0.0/16", "Feeds.Test"]);

    expect(addressAllowed("127.0.0.1", allow)).toBe(true);
    expect(addressAllowed("::ffff:127.0.0.1", allow)).toBe(true);
    expect(addressAllowed("10.20.3.4", allow)).toBe(true);
    expect(addressAllowed("127.0.0.2", allow)).toBe(false);
    expect(addressAllowed("10.21.0.1", allow)).toBe(false);
    expect(hostAllowed("feeds.test", allow)).toBe(true);
    expect(hostAllowed("other.test", allow)).toBe(false);
  });

  it("refuses an entry that is not an address, range or host name", () => {
    expect(() => parseAllowList(["http://127.0.0.1/"])).toThrow(/not an address/);
  });
});

describe("withoutCredentials", () => {
  it("leaves out the user name and password written in an address, parsed or not", () => {
    expect(withoutCredentials("https://alice:s3cret@feeds.example/feed?x=1")).toBe("https://feeds.example/feed?x=1");
    expect(withoutCredentials("http://alice@exa mple.test/feed")).toBe("http://exa mple.test/feed");
    expect(withoutCredentials("https://feeds.example/@user/feed")).toBe("https://feeds.example/@user/feed");
  });
});
