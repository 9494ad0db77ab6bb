import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { backends } from '@tangram/engine/testing';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from './app';
import { type Session, type TestServer, setupServer } from './testing/harness';

const uuid = '0190a000-0000-7000-8000-000000000000';

/**
 * NUL characters and oversized headers (security test, issue 12): refused with a catalogue error
 * naming where, never a 500, on every route that takes input.
 */
describe.each(await backends())('refusing unusable input on %s', (backend) => {
  let s: TestServer;
  let app: FastifyInstance;
  let admin: Session;
  const routes: { method: string; url: string; bodyProperties: Record<string, { type?: unknown }> }[] = [];
  beforeAll(async () => {
    s = await setupServer(backend);
    app = await build({
      engine: s.engine,
      loginRateLimit: 1000,
      onRoute: (r: RouteOptions) => {
        const body = (r.schema as { body?: { properties?: Record<string, { type?: unknown }> } } | undefined)?.body;
        for (const method of [r.method].flat()) routes.push({ method, url: r.url, bodyProperties: body?.properties ?? {} });
      },
    });
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: s.admin });
    admin = { cookie: `tangram_session=${res.cookies.find((c) => c.name === 'tangram_session')?.value}`, csrf: res.json().csrfToken };
  });
  afterAll(async () => {
    await app.close();
    await s.close();
  });

  const as = (opts: InjectOptions) => app.inject({ ...opts, headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf } });
  const problem = (res: LightMyRequestResponse) => {
    const { code, details } = res.json().error ?? {};
    return { status: res.statusCode, code, path: details?.problems?.[0]?.path, field: details?.problems?.[0]?.field };
  };
  const base = () => `/api/v1/t/${s.tenant}`;

  it('refuses a NUL in sign-in, metadata labels and option keys, and role names with 400 naming the field', async () => {
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'a\u0000@x.test', password: 'whatever password' } });
    expect(problem(login)).toEqual({ status: 400, code: 'VALIDATION_FAILED', path: '/body/email', field: 'email' });
    const publish = (field: Record<string, unknown>) =>
      as({ method: 'POST', url: `${base()}/metadata/publish`, payload: { metadata: { objects: [{ name: 'thing', label: 'T', fields: [field] }] } } });
    expect(problem(await publish({ name: 'title', type: 'text', label: 'Ti\u0000tle' }))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      path: '/body/metadata/objects/0/fields/0/label',
      field: 'label',
    });
    expect(problem(await publish({ name: 'level', type: 'select', options: { options: [{ key: 'a\u0000' }] } }))).toMatchObject({
      status: 400,
      path: '/body/metadata/objects/0/fields/0/options/options/0/key',
      field: 'key',
    });
    expect(problem(await as({ method: 'PUT', url: `${base()}/access/roles/sales%00x`, payload: { name: 'sales', objects: {} } }))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      path: '/params/name',
      field: 'name',
    });
    expect(problem(await as({ method: 'PUT', url: `${base()}/access/roles/sales`, payload: { name: 'sales', label: 'S\u0000', objects: {} } }))).toMatchObject({
      status: 400,
      field: 'label',
    });
  });

  it('refuses a NUL in every string of every body, in property names and in query values, on every route', async () => {
    const fill = (url: string) =>
      url
        .replace(':tenant', s.tenant)
        .replace(/:[a-zA-Z]+/g, uuid)
        .replace('*', 'x');
    const wrong: string[] = [];
    let tried = 0;
    for (const { method, url, bodyProperties } of routes) {
      if (['POST', 'PUT', 'PATCH'].includes(method)) {
        const strings = Object.entries(bodyProperties)
          .filter(([, p]) => p.type === undefined || p.type === 'string' || (Array.isArray(p.type) && p.type.includes('string')))
          .map(([name]) => name);
        const bodies: [Record<string, unknown>, string][] = [
          ...strings.map((name): [Record<string, unknown>, string] => [{ [name]: 'a\u0000b' }, `/body/${name}`]),
          [{ 'k\u0000': 'v' }, '/body/k\\u0000'],
          [{ nested: { deeper: ['ok', 'x\u0000'] } }, '/body/nested/deeper/1'],
        ];
        for (const [payload, path] of bodies) {
          tried++;
          const got = problem(await as({ method: method as 'POST', url: fill(url), payload }));
          if (got.status !== 400 || got.code !== 'VALIDATION_FAILED' || got.path !== path) wrong.push(`${method} ${url} ${path}: ${JSON.stringify(got)}`);
        }
      }
      if (method === 'GET' && url.startsWith('/api/')) {
        tried++;
        const got = problem(await as({ method: 'GET', url: `${fill(url)}?q=a%00b` }));
        if (got.status !== 400 || got.path !== '/querystring/q') wrong.push(`GET ${url}?q: ${JSON.stringify(got)}`);
      }
    }
    expect(tried).toBeGreaterThan(100);
    expect(wrong).toEqual([]);
  });

  it('answers oversized request headers with a catalogue error body', async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as AddressInfo).port;
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (c) => {
        text += c;
      });
      socket.on('error', () => resolve(text));
      socket.on('end', () => resolve(text));
      socket.on('close', () => resolve(text));
      socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`, (e) => e && reject(e));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    expect(body.error).toMatchObject({ code: 'HEADERS_TOO_LARGE', requestId: expect.any(String) });
  });
});
