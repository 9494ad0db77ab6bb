import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkOutboundHost } from './host';
import type { Resolver } from './policy';
import { PUBLIC_V4, refusedV4, refusedV6, v4Spellings, v6Spellings } from './test-spellings';

const failure = async (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as { code: string; details: Record<string, unknown> },
  );

describe('checkOutboundHost (SMTP and other non-HTTP hosts)', () => {
  it('refuses every spelling of a refused IPv4 or IPv6 address, on any port', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          refusedV4.chain(({ address }) => v4Spellings(address).map((s) => s.host)),
          refusedV6.chain(({ address }) => v6Spellings(address)),
        ),
        fc.integer({ min: 1, max: 65535 }),
        async (host, port) => {
          expect(await failure(checkOutboundHost(host, port))).toMatchObject({ code: 'OUTBOUND_ADDRESS_REFUSED' });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a name that resolves to a refused address among public ones, and allows it when an admin names the host (or host:port)', async () => {
    const resolve: Resolver = async () => [
      { address: '93.184.215.14', family: 4 },
      { address: '10.1.2.3', family: 4 },
    ];
    expect(await failure(checkOutboundHost('smtp.corp.example', 587, { resolve }))).toMatchObject({
      code: 'OUTBOUND_ADDRESS_REFUSED',
      details: { host: 'smtp.corp.example:587', class: 'private' },
    });
    await expect(checkOutboundHost('smtp.corp.example', 587, { resolve, allowHosts: ['smtp.corp.example'] })).resolves.toMatchObject({ port: 587 });
    await expect(checkOutboundHost('smtp.corp.example', 587, { resolve, allowHosts: ['smtp.corp.example:587'] })).resolves.toMatchObject({
      addresses: [{ address: '93.184.215.14' }, { address: '10.1.2.3' }],
    });
    expect(await failure(checkOutboundHost('smtp.corp.example', 25, { resolve, allowHosts: ['smtp.corp.example:587'] }))).toMatchObject({
      code: 'OUTBOUND_ADDRESS_REFUSED',
    });
  });

  it('passes public addresses and gives back the address to connect to', async () => {
    for (const address of PUBLIC_V4)
      await expect(checkOutboundHost(address, 465)).resolves.toEqual({ hostname: address, port: 465, addresses: [{ address, family: 4 }] });
  });

  it('answers OUTBOUND_UNREACHABLE for a name that does not resolve, and OUTBOUND_URL_INVALID for what is not a host and port', async () => {
    const resolve: Resolver = async () => {
      throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
    };
    expect(await failure(checkOutboundHost('nowhere.example', 25, { resolve }))).toMatchObject({ code: 'OUTBOUND_UNREACHABLE' });
    for (const [host, port] of [
      ['', 25],
      ['a b', 25],
      ['user@host', 25],
      ['host/path', 25],
      ['host:25', 25],
      ['mail.example.com', 0],
      ['mail.example.com', 70000],
      ['mail.example.com', 2.5],
    ] as const)
      expect(await failure(checkOutboundHost(host, port)), `${host}:${port}`).toMatchObject({ code: 'OUTBOUND_URL_INVALID' });
  });
});
