import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { guardedFetch } from './guarded-fetch';
import { type Firewall, type LocalServer, failure, installFirewall, startServer } from './test-support';

// `allowed` is the admin's exception (127.0.0.1:<its port>); it redirects wherever ?to= says,
// with the status ?status= (302 by default). `other` listens on another loopback port that is
// not allowed: a redirect there must be refused before it is connected to.
let allowed: LocalServer;
let second: LocalServer;
let other: LocalServer;
let firewall: Firewall;

const redirector = (status = '302') =>
  startServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const to = url.searchParams.get('to');
    if (to) {
      res.statusCode = Number(url.searchParams.get('status') ?? status);
      res.setHeader('location', to);
      res.end('redirect body that must not be read');
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, body: req.body, headers: req.headers }));
  });

beforeAll(async () => {
  allowed = await redirector();
  second = await redirector();
  other = await startServer();
  firewall = installFirewall();
});
afterAll(async () => {
  firewall.restore();
  await Promise.all([allowed.close(), second.close(), other.close()]);
});
afterEach(() => {
  for (const s of [allowed, second, other]) {
    s.requests.length = 0;
    s.connections = 0;
  }
  firewall.attempts.length = 0;
});

const policy = () => ({ allowHosts: [`127.0.0.1:${allowed.port}`, `127.0.0.1:${second.port}`] });
const via = (to: string, status = 302) => allowed.url(`/start?status=${status}&to=${encodeURIComponent(to)}`);

describe('redirects are checked at every hop', () => {
  it.each([
    ['a decimal loopback', () => `http://2130706433:${other.port}/`, 'loopback'],
    ['a hex loopback', () => `http://0x7f000001:${other.port}/`, 'loopback'],
    ['an octal short loopback', () => `http://0177.1:${other.port}/`, 'loopback'],
    ['an IPv4-mapped loopback', () => `http://[::ffff:127.0.0.1]:${other.port}/`, 'loopback'],
    ['localhost', () => `http://localhost:${other.port}/`, 'loopback'],
    ['a private address', () => 'http://10.0.0.1/', 'private'],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/iam/', 'link-local'],
    ['Alibaba Cloud’s metadata address', () => 'http://100.100.100.200/latest/meta-data/', 'shared'],
    ['an IPv6 unique local address', () => 'http://[fd00:ec2::254]/', 'private'],
  ])('refuses a redirect to %s', async (_name, to, cls) => {
    const e = await failure(guardedFetch(via(to()), {}, policy()));
    expect([e.code, e.details.class, allowed.requests.length, other.connections]).toEqual(['OUTBOUND_ADDRESS_REFUSED', cls, 1, 0]);
    expect(firewall.attempts.every((a) => a.port === allowed.port)).toBe(true);
  });

  it('refuses a redirect to another scheme', async () => {
    const codes = await Promise.all(
      ['file:///etc/passwd', 'ftp://example.com/', 'gopher://127.0.0.1:70/'].map(async (to) => (await failure(guardedFetch(via(to), {}, policy()))).code),
    );
    expect(codes).toEqual(Array(3).fill('OUTBOUND_SCHEME_REFUSED'));
  });

  it('refuses a relative redirect that climbs onto a refused port of the same host', async () => {
    const e = await failure(guardedFetch(via(`//127.0.0.1:${other.port}/x`), {}, policy()));
    expect([e.code, other.connections]).toEqual(['OUTBOUND_ADDRESS_REFUSED', 0]);
  });

  it('follows redirects between allowed hosts, relative ones included', async () => {
    const res = await guardedFetch(via(second.url(`/next?to=${encodeURIComponent('/final')}`)), {}, policy());
    expect([res.status, res.url, res.redirects, second.requests.map((r) => r.url)]).toEqual([
      200,
      second.url('/final'),
      2,
      [`/next?to=${encodeURIComponent('/final')}`, '/final'],
    ]);
  });

  it('stops after maxRedirects', async () => {
    const loop = allowed.url(`/loop?to=${encodeURIComponent('/loop?to=/loop%3Fto%3D%2Floop')}`);
    const e = await failure(guardedFetch(loop, {}, { ...policy(), maxRedirects: 1 }));
    expect([e.code, e.details, allowed.requests.length]).toEqual(['OUTBOUND_TOO_MANY_REDIRECTS', { host: `127.0.0.1:${allowed.port}`, limit: 1 }, 2]);
  });

  it('follows none with maxRedirects 0', async () => {
    const e = await failure(guardedFetch(via('/final'), {}, { ...policy(), maxRedirects: 0 }));
    expect([e.code, allowed.requests.length]).toEqual(['OUTBOUND_TOO_MANY_REDIRECTS', 1]);
  });
});

describe('what a redirect carries on', () => {
  const init = {
    method: 'POST',
    body: '{"a":1}',
    idempotencyKey: 'rule-7:rec-9:1',
    headers: { 'content-type': 'application/json', authorization: 'Bearer s3cret', cookie: 'sid=1', 'tangram-signature': 't=1,v1=00', 'x-robot-token': 'tok' },
    credentialHeaders: ['X-Robot-Token'],
  };
  const seen = (res: { text(): string }) => {
    const { method, body, headers } = JSON.parse(res.text()) as { method: string; body: string; headers: Record<string, string> };
    return {
      method,
      body,
      auth: headers.authorization,
      cookie: headers.cookie,
      sig: headers['tangram-signature'],
      token: headers['x-robot-token'],
      key: headers['idempotency-key'],
      type: headers['content-type'],
    };
  };

  it('keeps credentials, method and body on a 307 to the same origin', async () => {
    const res = await guardedFetch(via('/final', 307), init, policy());
    expect(seen(res)).toEqual({
      method: 'POST',
      body: '{"a":1}',
      auth: 'Bearer s3cret',
      cookie: 'sid=1',
      sig: 't=1,v1=00',
      token: 'tok',
      key: 'rule-7:rec-9:1',
      type: 'application/json',
    });
  });

  it('drops credentials on a redirect to another origin, and keeps the idempotency key', async () => {
    const res = await guardedFetch(via(second.url('/final'), 308), init, policy());
    expect(seen(res)).toEqual({
      method: 'POST',
      body: '{"a":1}',
      auth: undefined,
      cookie: undefined,
      sig: undefined,
      token: undefined,
      key: 'rule-7:rec-9:1',
      type: 'application/json',
    });
  });

  it('turns a POST into a GET without body on a 303 (and on 301/302)', async () => {
    const results = await Promise.all([303, 302, 301].map(async (status) => seen(await guardedFetch(via('/final', status), init, policy()))));
    expect(results.map((r) => [r.method, r.body, r.type, r.auth])).toEqual(Array(3).fill(['GET', '', undefined, 'Bearer s3cret']));
  });

  it('sends user info in the URL as an Authorization header, and not to the next origin', async () => {
    const first = await guardedFetch(`http://bot:p%40ss@127.0.0.1:${allowed.port}/final`, {}, policy());
    const next = await guardedFetch(`http://bot:pass@127.0.0.1:${allowed.port}/r?to=${encodeURIComponent(second.url('/final'))}`, {}, policy());
    expect([seen(first).auth, seen(next).auth]).toEqual([`Basic ${Buffer.from('bot:p@ss').toString('base64')}`, undefined]);
  });
});
