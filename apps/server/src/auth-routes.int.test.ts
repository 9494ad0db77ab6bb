import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { backends } from '@tangram/engine/testing';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from './app';
import { type TestServer, setupServer } from './testing/harness';

/** Sends one raw HTTP/1.1 request (the target exactly as given) and returns the status code. */
function raw(port: number, method: string, target: string, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('error', reject);
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)));
    const head = [`${method} ${target} HTTP/1.1`, 'Host: x', 'Connection: close'];
    if (body !== undefined) head.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`);
    socket.write(`${head.join('\r\n')}\r\n\r\n${body ?? ''}`);
  });
}

/** Routes anyone may call; every other route must refuse a caller without credentials. */
const isPublic = (method: string, url: string) =>
  url === '/healthz' ||
  (method === 'POST' && (url === '/api/v1/auth/login' || url === '/api/v1/auth/logout')) ||
  url === '/docs' ||
  url.startsWith('/docs/') ||
  // The web app's files (index.html, /assets/…, when apps/web/dist is built): the page signs in itself.
  (['GET', 'HEAD'].includes(method) && !url.startsWith('/api/'));

/**
 * Sign-in is bound to routes by fastify encapsulation, not by URL strings (security test,
 * issue 12): every registered non-public route answers 401 without credentials, whether the
 * request target is a path or absolute-form (`GET http://x/api/v1/… HTTP/1.1`).
 */
describe.each(await backends())('authentication of every route on %s', (backend) => {
  let s: TestServer;
  let app: FastifyInstance;
  let port: number;
  const routes: { method: string; url: string }[] = [];
  beforeAll(async () => {
    s = await setupServer(backend);
    app = await build({
      engine: s.engine,
      onRoute: (r: RouteOptions) => {
        for (const method of [r.method].flat()) routes.push({ method, url: r.url });
      },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app.close();
    await s.close();
  });

  const target = (url: string) =>
    url
      .replace(':tenant', s.tenant)
      .replace(/:[a-zA-Z]+/g, '0190a000-0000-7000-8000-000000000000')
      .replace('*', 'x');

  it('finds the routes (records, tokens, templates, tenants among them)', () => {
    const urls = routes.map((r) => r.url);
    for (const u of ['/api/v1/templates', '/api/v1/t/:tenant/tokens', '/api/v1/tenants', '/api/v1/t/:tenant/objects/:object/records'])
      expect(urls).toContain(u);
    expect(routes.filter((r) => !isPublic(r.method, r.url)).length).toBeGreaterThan(50);
  });

  it('answers 401 on every non-public route without credentials, for a path and an absolute-form target', async () => {
    const wrong: string[] = [];
    for (const { method, url } of routes.filter((r) => !isPublic(r.method, r.url))) {
      const path = target(url);
      const body = ['POST', 'PUT', 'PATCH'].includes(method) ? '{}' : undefined;
      const plain = await app.inject({ method: method as 'GET', url: path, ...(body ? { payload: {} } : {}) });
      if (plain.statusCode !== 401) wrong.push(`${method} ${path} → ${plain.statusCode}`);
      const absolute = await raw(port, method, `http://x${path}`, body);
      if (absolute !== 401) wrong.push(`${method} http://x${path} → ${absolute}`);
    }
    expect(wrong).toEqual([]);
  });

  it('still serves signed-in callers with an absolute-form target', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: s.admin });
    const cookie = `tangram_session=${res.cookies.find((c) => c.name === 'tangram_session')?.value}`;
    const status = await new Promise<number>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      socket.on('data', (c) => {
        answer += c;
      });
      socket.on('error', reject);
      socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)));
      socket.write(`GET http://x/api/v1/templates HTTP/1.1\r\nHost: x\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`);
    });
    expect(status).toBe(200);
  });
});
