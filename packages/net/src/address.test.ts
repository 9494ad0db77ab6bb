import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyAddress } from './address';
import { PUBLIC_V4, PUBLIC_V6, refusedV4, refusedV6, v4Compatible, v4Spellings, v6Spellings } from './test-spellings';

// What the guard sees: the URL parser's hostname, brackets stripped.
const hostOf = (host: string) => new URL(`http://${host}:8080/path`).hostname.replace(/^\[(.*)\]$/, '$1');

describe('classifyAddress, over URL spellings', () => {
  it('gives every spelling of a refused IPv4 address the class of its range', () => {
    fc.assert(
      fc.property(
        refusedV4.chain(({ address, cls }) => v4Spellings(address).map((s) => ({ ...s, address, cls }))),
        ({ host, cls }) => {
          expect(classifyAddress(hostOf(host))).toBe(cls);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses the IPv4-compatible form of every address, public or not', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          refusedV4.map((r) => r.address),
          fc.constantFrom(...PUBLIC_V4),
        ),
        (address) => {
          expect(classifyAddress(hostOf(v4Compatible(address)))).not.toBe('public');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('gives every spelling of a refused IPv6 address the class of its range', () => {
    fc.assert(
      fc.property(
        refusedV6.chain(({ address, cls }) => v6Spellings(address).map((host) => ({ host, cls }))),
        ({ host, cls }) => {
          expect(classifyAddress(hostOf(host))).toBe(cls);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('lets public IPv4 addresses through in every spelling, the edges of the refused ranges included', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PUBLIC_V4).chain((address) => v4Spellings(address)),
        ({ host }) => {
          expect(classifyAddress(hostOf(host))).toBe('public');
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('lets public IPv6 addresses through', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PUBLIC_V6).chain(v6Spellings), (host) => {
        expect(classifyAddress(hostOf(host))).toBe('public');
      }),
    );
  });

  it('names the classes the issue lists', () => {
    const cases = {
      '127.0.0.1': 'loopback',
      '::1': 'loopback',
      '0.0.0.0': 'unspecified',
      '::': 'unspecified',
      '10.0.0.1': 'private',
      '172.16.0.1': 'private',
      '192.168.1.1': 'private',
      'fd00::1': 'private',
      '169.254.169.254': 'link-local',
      'fe80::1': 'link-local',
      '100.100.100.200': 'shared',
      '224.0.0.251': 'multicast',
      'ff02::1': 'multicast',
      '255.255.255.255': 'broadcast',
      '240.0.0.1': 'reserved',
      '::ffff:127.0.0.1': 'loopback',
      '::ffff:7f00:1': 'loopback',
      '::7f00:1': 'loopback',
      '64:ff9b::a9fe:a9fe': 'link-local',
      '64:ff9b::8.8.8.8': 'public',
      'not-an-address': 'invalid',
    };
    expect(Object.fromEntries(Object.keys(cases).map((a) => [a, classifyAddress(a)]))).toEqual(cases);
  });
});
