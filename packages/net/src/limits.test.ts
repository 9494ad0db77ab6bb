import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedFetch } from './guarded-fetch';
import { type LocalServer, failure, startServer } from './test-support';

// Paths: /silent never answers; /stall sends headers and one chunk, then nothing; /big answers
// 64 KiB with a Content-Length; /endless streams until the client hangs up (and records that it
// did); /exact answers exactly 1,000 bytes.
const SECRET = 'CONFIDENTIAL-RESPONSE-BODY';
let server: LocalServer;
let endlessClosed: Promise<void>;
let onEndlessClosed: () => void;

beforeAll(async () => {
  endlessClosed = new Promise((resolve) => (onEndlessClosed = resolve));
  server = await startServer((req, res) => {
    if (req.url === '/silent') return;
    if (req.url === '/stall') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write(SECRET);
      return;
    }
    if (req.url === '/big') {
      res.writeHead(200, { 'content-length': String(64 * 1024) });
      res.end(SECRET.padEnd(64 * 1024, 'x'));
      return;
    }
    if (req.url === '/endless') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(16 * 1024, SECRET);
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) {}
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => onEndlessClosed());
      pump();
      return;
    }
    res.end('y'.repeat(1000));
  });
});
afterAll(() => server.close());

const allow = () => ({ allowHosts: [`127.0.0.1:${server.port}`] });

describe('time limits', () => {
  it('gives up on a host that never answers', async () => {
    const e = await failure(guardedFetch(server.url('/silent'), {}, { ...allow(), timeoutMs: 200 }));
    expect([e.code, e.details]).toEqual(['OUTBOUND_TIMEOUT', { host: `127.0.0.1:${server.port}` }]);
  });

  it('gives up on a body that stops arriving, without returning what came', async () => {
    const e = await failure(guardedFetch(server.url('/stall'), {}, { ...allow(), timeoutMs: 200 }));
    expect([e.code, JSON.stringify(e.toJSON()).includes(SECRET)]).toEqual(['OUTBOUND_TIMEOUT', false]);
  });

  it('counts name resolution in the time limit', async () => {
    const e = await failure(guardedFetch('http://slow-dns.example/', {}, { timeoutMs: 100, resolve: () => new Promise(() => {}) }));
    expect([e.code, e.details]).toEqual(['OUTBOUND_TIMEOUT', { host: 'slow-dns.example' }]);
  });

  it('passes the caller’s own abort through as it is', async () => {
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const call = guardedFetch(server.url('/silent'), { signal: controller.signal }, allow());
    setTimeout(() => controller.abort(reason), 50);
    await expect(call).rejects.toBe(reason);
  });
});

describe('the response body cap', () => {
  it('refuses a body whose Content-Length is over the cap, without leaking it', async () => {
    const e = await failure(guardedFetch(server.url('/big'), {}, { ...allow(), maxBodyBytes: 1024 }));
    expect([e.code, e.details, JSON.stringify(e.toJSON()).includes(SECRET)]).toEqual([
      'OUTBOUND_TOO_LARGE',
      { host: `127.0.0.1:${server.port}`, limit: 1024 },
      false,
    ]);
  });

  it('stops reading a streamed body past the cap and hangs up', async () => {
    const e = await failure(guardedFetch(server.url('/endless'), {}, { ...allow(), maxBodyBytes: 100_000 }));
    await endlessClosed; // the server saw the connection close: it is not still sending
    expect([e.code, JSON.stringify(e.toJSON()).includes(SECRET)]).toEqual(['OUTBOUND_TOO_LARGE', false]);
  });

  it('returns a body of exactly the cap', async () => {
    const res = await guardedFetch(server.url('/exact'), {}, { ...allow(), maxBodyBytes: 1000 });
    expect([res.status, res.body.byteLength]).toEqual([200, 1000]);
  });
});
