import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { type AddressInfo, connect } from 'node:net';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webApp } from './web';

let dir: string;
let app: FastifyInstance;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tangram-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  app = Fastify();
  app.setNotFoundHandler((_req, reply) => reply.status(404).send({ error: { code: 'ROUTE_NOT_FOUND' } }));
  app.get('/api/v1/ping', async () => ({ ok: true }));
  await app.register(webApp, { root: dir });
});

afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('web app plugin', () => {
  it('serves the built files', async () => {
    const res = await app.inject({ url: '/assets/app.js' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('console.log(1)');
  });

  it('answers the app routes with index.html so a reload works', async () => {
    const res = await app.inject({ url: '/t/demo/o/account?view=kanban' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('id="root"');
  });

  it('leaves unknown API paths and missing assets to the API not-found answer', async () => {
    expect((await app.inject({ url: '/api/v1/nope' })).json().error.code).toBe('ROUTE_NOT_FOUND');
    expect((await app.inject({ url: '/assets/missing.js' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/api/v1/ping' })).json()).toEqual({ ok: true });
  });

  it('leaves unknown API paths to the API not-found answer for an absolute-form target too', async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as AddressInfo).port;
    const get = (target: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        let text = '';
        socket.on('data', (c) => {
          text += c;
        });
        socket.on('error', reject);
        socket.on('end', () => resolve(text));
        socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      });
    expect(await get('http://x/api/v1/nope')).toMatch(/^HTTP\/1\.1 404 /);
    expect(await get('http://x/t/demo/o/account')).toContain('id="root"');
  });

  it('serves nothing when the app has not been built', async () => {
    const bare = Fastify();
    await bare.register(webApp, { root: join(dir, 'missing') });
    expect((await bare.inject({ url: '/' })).statusCode).toBe(404);
    await bare.close();
  });
});
