import ipaddr from 'ipaddr.js';

/**
 * What an IP address is, for the outbound guard: `public` may be connected to; every other class
 * is refused unless an admin allows the host (see `OutboundPolicy.allowHosts`).
 */
export type AddressClass = 'public' | 'loopback' | 'unspecified' | 'private' | 'link-local' | 'shared' | 'multicast' | 'broadcast' | 'reserved' | 'invalid';

/** ipaddr.js's range names → our classes. Ranges not listed here (documentation, benchmarking, 240/4, 6to4, Teredo, ORCHID, …) are `reserved`. */
const RANGE_CLASS: Record<string, AddressClass> = {
  unicast: 'public',
  loopback: 'loopback',
  unspecified: 'unspecified',
  private: 'private',
  uniqueLocal: 'private',
  deprecatedSiteLocal: 'private',
  linkLocal: 'link-local',
  carrierGradeNat: 'shared',
  multicast: 'multicast',
  broadcast: 'broadcast',
};

// 2000::/3 is the only IPv6 space handed out as global unicast; ipaddr.js calls everything it has
// no name for `unicast`, including the unassigned rest and the IPv4-compatible ::/96 (::7f00:1).
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
// IPv4-compatible addresses (RFC 4291, deprecated): ::a.b.c.d. `::` and `::1` are matched first.
const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');
// RFC 6052's well-known NAT64 prefix: the last 32 bits are an IPv4 address, reached through a
// translator. The local-use prefix 64:ff9b:1::/48 (RFC 8215) is someone's internal network: reserved.
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
// ::ffff:0:0:0/96 (RFC 6145, IPv4-translated) carries an IPv4 address in its last 32 bits, like
// the mapped ::ffff:0:0/96.
const IPV4_TRANSLATED = ipaddr.IPv6.parseCIDR('::ffff:0:0:0/96');

/**
 * Classifies an IP address (no brackets, any spelling ipaddr.js reads). IPv6 addresses that carry
 * an IPv4 address (mapped `::ffff:a.b.c.d`, translated `::ffff:0:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`)
 * take the class of that IPv4 address, so `::ffff:127.0.0.1` is loopback; the deprecated
 * IPv4-compatible `::a.b.c.d` too, but is never public.
 * @example classifyAddress('169.254.169.254') // 'link-local'
 */
export function classifyAddress(address: string): AddressClass {
  if (!ipaddr.isValid(address)) return 'invalid';
  const ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv4') return classOf(ip.range());
  const v6 = ip as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return classifyAddress(v6.toIPv4Address().toString());
  if (v6.match(NAT64_WELL_KNOWN) || v6.match(IPV4_TRANSLATED)) return classifyAddress(embeddedIPv4(v6));
  const range = v6.range();
  if (range === 'unicast' && v6.match(IPV4_COMPATIBLE)) return notPublic(classifyAddress(embeddedIPv4(v6)));
  if (range === 'unicast' && !v6.match(GLOBAL_UNICAST_V6)) return 'reserved';
  return classOf(range);
}

/** A deprecated form is never a way to reach a public host: at best it is `reserved`. */
function notPublic(c: AddressClass): AddressClass {
  return c === 'public' ? 'reserved' : c;
}

function classOf(range: string): AddressClass {
  return RANGE_CLASS[range] ?? 'reserved';
}

function embeddedIPv4(ip: ipaddr.IPv6): string {
  return ipaddr.fromByteArray(ip.toByteArray().slice(12)).toString();
}
