import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backends } from '@tangram/engine/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from './app';
import { type Session, type TestServer, setupServer } from './testing/harness';

/** Security headers (security test, issue 12): on the web app, the API, errors and the API docs. */
describe.each(await backends())('security headers on %s', (backend) => {
  let s: TestServer;
  let app: FastifyInstance;
  let admin: Session;
  let dist: string;
  beforeAll(async () => {
    s = await setupServer(backend);
    dist = mkdtempSync(join(tmpdir(), 'tangram-web-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="/assets/app.js"></script>');
    writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
    process.env.TANGRAM_WEB_DIST = dist;
    app = await build({ engine: s.engine });
    delete process.env.TANGRAM_WEB_DIST;
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: s.admin });
    admin = { cookie: `tangram_session=${res.cookies.find((c) => c.name === 'tangram_session')?.value}`, csrf: res.json().csrfToken };
  });
  afterAll(async () => {
    await app.close();
    await s.close();
    rmSync(dist, { recursive: true, force: true });
  });

  const directives = (csp: unknown) =>
    Object.fromEntries(
      String(csp)
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );

  it('sends a CSP the app can run under, no framing and nosniff on every kind of answer', async () => {
    const answers = {
      app: await app.inject({ url: '/' }),
      appRoute: await app.inject({ url: '/t/demo/o/account' }),
      asset: await app.inject({ url: '/assets/app.js' }),
      api: await app.inject({ url: '/api/v1/templates', headers: { cookie: admin.cookie } }),
      unauthenticated: await app.inject({ url: '/api/v1/templates' }),
      notFound: await app.inject({ url: '/api/v1/nope' }),
      docs: await app.inject({ url: '/docs' }),
    };
    expect(Object.values(answers).map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 401, 404, expect.any(Number)]);
    for (const [what, res] of Object.entries(answers)) {
      const csp = directives(res.headers['content-security-policy']);
      expect({ what, frameAncestors: csp['frame-ancestors'], scripts: csp['script-src'], styles: csp['style-src'], object: csp['object-src'] }).toEqual({
        what,
        frameAncestors: ["'none'"],
        scripts: ["'self'", "'unsafe-eval'"],
        styles: ["'self'", "'unsafe-inline'"],
        object: ["'none'"],
      });
      expect({ what, nosniff: res.headers['x-content-type-options'], frame: res.headers['x-frame-options'] }).toEqual({
        what,
        nosniff: 'nosniff',
        frame: 'DENY',
      });
      expect(res.headers['referrer-policy']).toBe('same-origin');
      // Plain-HTTP installs keep working: no upgrade of requests, and HSTS only behind HTTPS.
      expect(csp['upgrade-insecure-requests']).toBeUndefined();
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('lets the tenant’s Swagger UI page run its one inline script, by hash', async () => {
    const res = await app.inject({ url: `/api/v1/t/${s.tenant}/docs`, headers: { cookie: admin.cookie } });
    expect(res.statusCode).toBe(200);
    const inline = /<script>([\s\S]*?)<\/script>/.exec(res.body)?.[1] ?? '';
    expect(inline).toContain('SwaggerUIBundle');
    const hash = `'sha256-${createHash('sha256').update(inline).digest('base64')}'`;
    const csp = directives(res.headers['content-security-policy']);
    expect(csp['script-src']).toEqual(["'self'", "'unsafe-eval'", hash]);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    // The scripts and styles it loads are served from this origin.
    for (const src of [...res.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string)) {
      expect(src.startsWith('/')).toBe(true);
      expect((await app.inject({ url: src })).statusCode).toBe(200);
    }
  });

  it('sends HSTS when served over HTTPS', async () => {
    const secure = await build({ engine: s.engine, secureCookies: true });
    try {
      expect((await secure.inject({ url: '/healthz' })).headers['strict-transport-security']).toContain('max-age=');
    } finally {
      await secure.close();
    }
  });
});
