// Test helpers: the address classes the guard refuses, and every way a URL can spell an address.
// The tables are written from the RFCs, not from the guard's code, so the tests can disagree with it.
import fc from 'fast-check';
import type { AddressClass } from './address';

export interface V4Range {
  cidr: string;
  cls: Exclude<AddressClass, 'public' | 'invalid'>;
}

/** IPv4 ranges that must be refused (RFC 6890 special-purpose space, RFC 1918, RFC 6598, RFC 3927). */
export const REFUSED_V4: V4Range[] = [
  { cidr: '127.0.0.0/8', cls: 'loopback' },
  { cidr: '0.0.0.0/8', cls: 'unspecified' },
  { cidr: '10.0.0.0/8', cls: 'private' },
  { cidr: '172.16.0.0/12', cls: 'private' },
  { cidr: '192.168.0.0/16', cls: 'private' },
  { cidr: '169.254.0.0/16', cls: 'link-local' },
  { cidr: '169.254.169.254/32', cls: 'link-local' }, // cloud metadata
  { cidr: '100.64.0.0/10', cls: 'shared' }, // CGNAT; Alibaba Cloud's metadata is 100.100.100.200
  { cidr: '224.0.0.0/4', cls: 'multicast' },
  { cidr: '255.255.255.255/32', cls: 'broadcast' },
  { cidr: '240.0.0.0/5', cls: 'reserved' },
  { cidr: '192.0.0.0/24', cls: 'reserved' },
  { cidr: '192.0.2.0/24', cls: 'reserved' },
  { cidr: '198.18.0.0/15', cls: 'reserved' },
  { cidr: '198.51.100.0/24', cls: 'reserved' },
  { cidr: '203.0.113.0/24', cls: 'reserved' },
];

/** Public addresses, the edges of the refused ranges among them: a guard that refuses too much fails on these. */
export const PUBLIC_V4 = [
  '8.8.8.8',
  '1.1.1.1',
  '93.184.215.14',
  '9.255.255.255',
  '11.0.0.0',
  '100.63.255.255',
  '100.128.0.0',
  '126.255.255.255',
  '128.0.0.0',
  '169.253.255.255',
  '169.255.0.0',
  '172.15.255.255',
  '172.32.0.0',
  '192.167.255.255',
  '192.169.0.0',
  '223.255.255.255',
];

/** IPv6 prefixes that must be refused, with the class each belongs to. */
export const REFUSED_V6: { prefix: number[]; bits: number; cls: V4Range['cls'] }[] = [
  { prefix: [0, 0, 0, 0, 0, 0, 0, 1], bits: 128, cls: 'loopback' },
  { prefix: [0, 0, 0, 0, 0, 0, 0, 0], bits: 128, cls: 'unspecified' },
  { prefix: [0xfc00], bits: 7, cls: 'private' }, // unique local
  { prefix: [0xfe80], bits: 10, cls: 'link-local' },
  { prefix: [0xff00], bits: 8, cls: 'multicast' },
  { prefix: [0x2001, 0x0db8], bits: 32, cls: 'reserved' }, // documentation
  { prefix: [0x0064, 0xff9b, 0x0001], bits: 48, cls: 'reserved' }, // local-use NAT64 (RFC 8215)
  { prefix: [0x2002], bits: 16, cls: 'reserved' }, // 6to4
  { prefix: [0x2001, 0x0000], bits: 32, cls: 'reserved' }, // Teredo
  { prefix: [0x4000], bits: 2, cls: 'reserved' }, // unassigned: not 2000::/3
];

/** Public IPv6 addresses, all eight groups written out (v6Spellings takes them so). */
export const PUBLIC_V6 = ['2606:4700:4700:0:0:0:0:1111', '2001:4860:4860:0:0:0:0:8888', '2a00:1450:4001:81c:0:0:0:200e', '3fff:ffff:0:0:0:0:0:1'];

const u32 = (dotted: string) => dotted.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const dotted = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** An address inside a range (uniformly). */
export function v4In(range: V4Range): fc.Arbitrary<string> {
  const [base = '', bits = '32'] = range.cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return fc.integer({ min: 0, max: size - 1 }).map((i) => dotted(u32(base) + i));
}

export const refusedV4: fc.Arbitrary<{ address: string; cls: V4Range['cls'] }> = fc.oneof(
  ...REFUSED_V4.map((r) => v4In(r).map((address) => ({ address, cls: r.cls }))),
);

export const refusedV6: fc.Arbitrary<{ address: string; cls: V4Range['cls'] }> = fc.oneof(
  ...REFUSED_V6.map((r) =>
    fc
      .array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 })
      .map((random) => ({ address: v6WithPrefix(r.prefix, r.bits, random), cls: r.cls })),
  ),
);

function v6WithPrefix(prefix: number[], bits: number, random: number[]): string {
  const groups = random.map((r, i) => {
    const keep = Math.max(0, Math.min(16, bits - i * 16)); // bits of this group fixed by the prefix
    const mask = keep === 0 ? 0 : (0xffff << (16 - keep)) & 0xffff;
    return ((prefix[i] ?? 0) & mask) | (r & ~mask & 0xffff);
  });
  return groups.map((g) => g.toString(16)).join(':');
}

const hex = (n: number) => n.toString(16);
const pick = <T>(choices: T[]): fc.Arbitrary<T> => fc.constantFrom(...choices);

/** One part of a numeric IPv4 host in decimal, octal (leading 0) or hex (0x / 0X, leading zeros allowed). */
function part(n: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constant(String(n)),
    fc.integer({ min: 1, max: 3 }).map((z) => `${'0'.repeat(z)}${n.toString(8)}`),
    fc
      .tuple(pick(['0x', '0X']), fc.integer({ min: 0, max: 3 }), fc.boolean())
      .map(([p, z, upper]) => `${p}${'0'.repeat(z)}${upper ? hex(n).toUpperCase() : hex(n)}`),
  );
}

/**
 * Every WHATWG-valid way to write an IPv4 address as a URL host: 1 to 4 parts in mixed bases
 * (`2130706433`, `0x7f000001`, `0177.0.0.1`, `127.1`), a trailing dot, full-width digits, an
 * ideographic full stop, percent-encoding — and the IPv6 forms that carry it: mapped, IPv4-
 * translated, IPv4-compatible and NAT64, in dotted or hex tails.
 */
export function v4Spellings(address: string): fc.Arbitrary<{ host: string; form: string }> {
  const n = u32(address);
  const [a = 0, b = 0, c = 0, d = 0] = address.split('.').map(Number);
  const numeric = fc.oneof(
    fc.tuple(part(a), part(b), part(c), part(d)).map((p) => p.join('.')),
    fc.tuple(part(a), part(b), part((c << 8) | d)).map((p) => p.join('.')),
    fc.tuple(part(a), part(n & 0xffffff)).map((p) => p.join('.')),
    part(n),
  );
  const tail = `${hex(n >>> 16)}:${hex(n & 0xffff)}`;
  return fc.oneof(
    numeric.map((host) => ({ host, form: 'numeric' })),
    numeric.map((host) => ({ host: `${host}.`, form: 'trailing dot' })),
    fc.constant({ host: address.replace(/[0-9]/g, (ch) => String.fromCharCode(0xff10 + Number(ch))), form: 'full-width digits' }),
    fc.constant({ host: address.replaceAll('.', '\u3002'), form: 'ideographic full stop' }),
    fc.constant({ host: [...address].map((ch) => `%${ch.charCodeAt(0).toString(16)}`).join(''), form: 'percent-encoded' }),
    pick([`[::ffff:${address}]`, `[::ffff:${tail}]`, `[0:0:0:0:0:FFFF:${address}]`, `[::ffff:${tail.toUpperCase()}]`]).map((host) => ({
      host,
      form: 'IPv4-mapped',
    })),
    pick([`[::ffff:0:${address}]`, `[::ffff:0:${tail}]`]).map((host) => ({ host, form: 'IPv4-translated' })),
    pick([`[64:ff9b::${address}]`, `[64:ff9b::${tail}]`]).map((host) => ({ host, form: 'NAT64' })),
  );
}

/** The deprecated IPv4-compatible form `[::a.b.c.d]`: refused for every address, public ones included. */
export const v4Compatible = (address: string) => `[::${address}]`;

/** Ways to write an IPv6 address given as eight groups: compressed, full with leading zeros, upper case. */
export function v6Spellings(address: string): fc.Arbitrary<string> {
  const groups = address.split(':').map((g) => Number.parseInt(g, 16));
  return pick([
    `[${groups.map(hex).join(':')}]`,
    `[${groups.map((g) => hex(g).padStart(4, '0')).join(':')}]`,
    `[${groups.map((g) => hex(g).toUpperCase()).join(':')}]`,
    `[${compress(groups)}]`,
  ]);
}

function compress(groups: number[]): string {
  // the longest run of zero groups becomes "::"
  let best = [-1, 0];
  for (let i = 0; i < groups.length; ) {
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > (best[1] ?? 0)) best = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const [start = -1, len = 0] = best;
  if (len < 2) return groups.map(hex).join(':');
  return `${groups.slice(0, start).map(hex).join(':')}::${groups
    .slice(start + len)
    .map(hex)
    .join(':')}`;
}
