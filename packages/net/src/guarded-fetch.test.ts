import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkOutboundUrl, guardedFetch } from './guarded-fetch';
import type { Resolver } from './policy';
import { type Firewall, type LocalServer, closedPort, failure, installFirewall, startServer } from './test-support';
import { refusedV4, refusedV6, v4Spellings, v6Spellings } from './test-spellings';

let server: LocalServer;
let firewall: Firewall;

beforeAll(async () => {
  server = await startServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ host: req.headers.host, key: req.headers['idempotency-key'] ?? null }));
  });
  firewall = installFirewall();
});
afterAll(async () => {
  firewall.restore();
  await server.close();
});
afterEach(() => {
  firewall.attempts.length = 0;
  server.connections = 0;
  server.requests.length = 0;
});

/** A resolver from a fixed table, counting its calls. */
function table(entries: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    calls.push(hostname);
    return (entries[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));
  };
  return Object.assign(resolve, { calls });
}

describe('guardedFetch refuses internal addresses before connecting', () => {
  it('refuses 127.0.0.1 in every spelling, with the local server listening on the port named', async () => {
    await fc.assert(
      fc.asyncProperty(v4Spellings('127.0.0.1'), async ({ host }) => {
        const e = await failure(guardedFetch(`http://${host}:${server.port}/hook`, { method: 'POST', body: '{}' }));
        expect([e.code, e.details.class]).toEqual(['OUTBOUND_ADDRESS_REFUSED', 'loopback']);
      }),
      { numRuns: 300 },
    );
    expect([server.connections, firewall.attempts]).toEqual([0, []]);
  });

  it('refuses every class in every spelling, IPv4 and IPv6, without a connection attempt', async () => {
    const target = fc.oneof(
      refusedV4.chain(({ address, cls }) => v4Spellings(address).map(({ host }) => ({ host, cls }))),
      refusedV6.chain(({ address, cls }) => v6Spellings(address).map((host) => ({ host, cls }))),
    );
    await fc.assert(
      fc.asyncProperty(target, fc.constantFrom('http', 'https'), async ({ host, cls }, scheme) => {
        const e = await failure(guardedFetch(`${scheme}://${host}/latest/meta-data/`));
        expect([e.code, e.details.class]).toEqual(['OUTBOUND_ADDRESS_REFUSED', cls]);
      }),
      { numRuns: 500 },
    );
    expect(firewall.attempts).toEqual([]);
  });

  it('names the host in the error, as the URL parser normalised it', async () => {
    const e = await failure(guardedFetch(`http://0x7f000001:${server.port}/`));
    expect(e.toJSON()).toEqual({
      code: 'OUTBOUND_ADDRESS_REFUSED',
      message: `Outbound calls to 127.0.0.1:${server.port} are refused: it is or resolves to a loopback address`,
      details: { host: `127.0.0.1:${server.port}`, class: 'loopback' },
    });
  });

  it('refuses schemes other than http and https', async () => {
    const codes = await Promise.all(
      ['file:///etc/passwd', 'ftp://example.com/', 'gopher://example.com/', 'data:text/plain,hi', 'ws://example.com/'].map(
        async (u) => (await failure(guardedFetch(u))).code,
      ),
    );
    expect(codes).toEqual(Array(5).fill('OUTBOUND_SCHEME_REFUSED'));
  });

  it('refuses a string that is not a URL', async () => {
    expect((await failure(guardedFetch('not a url'))).code).toBe('OUTBOUND_URL_INVALID');
  });
});

describe('guardedFetch and DNS names', () => {
  it('refuses localhost (the system resolver reads /etc/hosts)', async () => {
    const e = await failure(guardedFetch(`http://localhost:${server.port}/`));
    expect([e.code, e.details.class, server.connections]).toEqual(['OUTBOUND_ADDRESS_REFUSED', 'loopback', 0]);
  });

  it('refuses a name that resolves to a private or loopback address', async () => {
    const resolve = table({ 'intranet.example': ['10.0.0.5'], 'loop.example': ['127.0.0.1'], 'metadata.google.internal': ['169.254.169.254'] });
    const refused = await Promise.all(
      ['intranet.example', 'loop.example', 'metadata.google.internal'].map(
        async (name) => (await failure(guardedFetch(`http://${name}:${server.port}/`, {}, { resolve }))).details.class,
      ),
    );
    expect([refused, server.connections, firewall.attempts]).toEqual([['private', 'loopback', 'link-local'], 0, []]);
  });

  it('refuses a name when any one of its addresses is refused', async () => {
    const resolve = table({ 'mixed.example': ['93.184.215.14', '2606:4700::6810:85e5', '::ffff:10.1.2.3'] });
    const e = await failure(guardedFetch('https://mixed.example/', {}, { resolve }));
    expect([e.code, e.details.class, firewall.attempts]).toEqual(['OUTBOUND_ADDRESS_REFUSED', 'private', []]);
  });

  it('connects to the address it checked, not to a second DNS answer (DNS rebinding)', async () => {
    let answer = '93.184.215.14';
    const resolve: Resolver = async () => {
      const now = answer;
      answer = '127.0.0.1'; // every later query is answered with loopback
      return [{ address: now, family: 4 }];
    };
    // The checked address is public: the connection goes there (stopped by the test firewall), never to 127.0.0.1.
    const e = await failure(guardedFetch(`http://rebind.example:${server.port}/`, {}, { resolve }));
    expect([e.code, firewall.attempts, server.connections]).toEqual([
      'OUTBOUND_UNREACHABLE',
      [{ host: 'rebind.example', port: server.port, resolved: ['93.184.215.14'] }],
      0,
    ]);
  });

  it('reports a name that does not resolve as unreachable', async () => {
    const e = await failure(guardedFetch('http://nowhere.example/', {}, { resolve: table({}) }));
    expect([e.code, e.details]).toEqual(['OUTBOUND_UNREACHABLE', { host: 'nowhere.example', reason: 'ENOTFOUND' }]);
  });
});

describe('allowHosts, an admin’s exceptions', () => {
  it('lets 127.0.0.1:<port> through, whatever spelling the URL uses', async () => {
    const allowHosts = [`127.0.0.1:${server.port}`];
    const res = await guardedFetch(`http://2130706433:${server.port}/hook`, { idempotencyKey: 'evt-1:0' }, { allowHosts });
    expect([res.status, JSON.parse(res.text()), server.requests.map((r) => r.url)]).toEqual([
      200,
      { host: `127.0.0.1:${server.port}`, key: 'evt-1:0' },
      ['/hook'],
    ]);
  });

  it('lets a host without a port through on every port, and a host:port on that port only', async () => {
    const anyPort = await guardedFetch(server.url('/a'), {}, { allowHosts: ['127.0.0.1'] });
    const otherPort = await failure(guardedFetch(server.url('/b'), {}, { allowHosts: [`127.0.0.1:${server.port + 1}`, 'localhost'] }));
    expect([anyPort.status, otherPort.code, server.requests.map((r) => r.url)]).toEqual([200, 'OUTBOUND_ADDRESS_REFUSED', ['/a']]);
  });

  it('lets a named internal host through, connecting to the address it resolved', async () => {
    const resolve = table({ 'crm.internal': ['127.0.0.1'] });
    const res = await guardedFetch(`http://CRM.Internal:${server.port}/x`, {}, { allowHosts: [`crm.internal:${server.port}`], resolve });
    expect([JSON.parse(res.text()).host, resolve.calls]).toEqual([`crm.internal:${server.port}`, ['crm.internal']]);
  });

  it('pins the checked address for https too (the TLS handshake then fails against a plain server)', async () => {
    const resolve = table({ 'tls.internal': ['127.0.0.1'] });
    const e = await failure(guardedFetch(`https://tls.internal:${server.port}/`, {}, { allowHosts: [`tls.internal:${server.port}`], resolve }));
    expect([e.code, firewall.attempts, server.connections, server.requests]).toEqual([
      'OUTBOUND_UNREACHABLE',
      [{ host: 'tls.internal', port: server.port, resolved: ['127.0.0.1'] }],
      1,
      [],
    ]);
  });

  it('allows an IPv6 literal written with or without brackets', async () => {
    const hosts = await Promise.all(
      ['::1', '[::1]', '[0:0::1]:8080'].map(async (entry) => (await checkOutboundUrl('http://[0:0:0:0:0:0:0:1]:8080/', { allowHosts: [entry] })).host),
    );
    const otherPort = await failure(checkOutboundUrl('http://[::1]:8081/', { allowHosts: ['[::1]:8080'] }));
    expect([hosts, otherPort.code]).toEqual([['[::1]:8080', '[::1]:8080', '[::1]:8080'], 'OUTBOUND_ADDRESS_REFUSED']);
  });

  it('rejects entries that are not a host or host:port, naming each', async () => {
    const e = await failure(guardedFetch(server.url(), {}, { allowHosts: ['ok.example', 'http://x/', 'a:b:c:d:e', 'h:99999'] }));
    expect([e.code, (e.details.problems as { path: string }[]).map((p) => p.path)]).toEqual([
      'VALIDATION_FAILED',
      ['/allowHosts/1', '/allowHosts/2', '/allowHosts/3'],
    ]);
  });

  it('reports a refused connection on an allowed host as unreachable', async () => {
    const port = await closedPort();
    const e = await failure(guardedFetch(`http://127.0.0.1:${port}/`, {}, { allowHosts: [`127.0.0.1:${port}`] }));
    expect([e.code, e.details]).toEqual(['OUTBOUND_UNREACHABLE', { host: `127.0.0.1:${port}`, reason: 'ECONNREFUSED' }]);
  });
});

describe('checkOutboundUrl, for a URL being saved', () => {
  it('refuses what guardedFetch would refuse, without sending anything', async () => {
    const codes = await Promise.all(
      ['http://0177.1/', 'ftp://example.com/', `http://localhost:${server.port}/`].map(async (u) => (await failure(checkOutboundUrl(u))).code),
    );
    expect([codes, server.connections]).toEqual([['OUTBOUND_ADDRESS_REFUSED', 'OUTBOUND_SCHEME_REFUSED', 'OUTBOUND_ADDRESS_REFUSED'], 0]);
  });

  it('returns the normalised URL of an acceptable one', async () => {
    const url = await checkOutboundUrl('HTTPS://bot:k@Hooks.Example/x?y=1', { resolve: table({ 'hooks.example': ['93.184.215.14'] }) });
    expect([url.href, firewall.attempts]).toEqual(['https://bot:k@hooks.example/x?y=1', []]);
  });
});
