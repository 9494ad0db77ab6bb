import SwaggerParser from '@apidevtools/swagger-parser';
import { backends } from '@tangram/engine/testing';
import type { FastifyInstance, InjectOptions, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from './app';
import { apiDocument } from './openapi/document';
import { type Session, type TestServer, setupServer } from './testing/harness';

/**
 * Routes that are not the API and so not in its document. Each one says why; nothing else may be
 * left out.
 */
const excluded = (method: string, url: string) =>
  // Fastify answers HEAD for every GET by itself; the GET is documented.
  method === 'HEAD' ||
  // The platform API browser (@fastify/swagger-ui: its page, its assets, its own JSON).
  url === '/docs' ||
  url.startsWith('/docs/') ||
  // The web app's files (index.html, /assets/…, present when apps/web/dist is built).
  (method === 'GET' && !url.startsWith('/api/') && url !== '/healthz');

/**
 * The registered routes missing from a tenant's document: `:param` is `{param}` there, except
 * `:tenant`, which is the tenant's slug (the document is that tenant's).
 */
function undocumented(routes: { method: string; url: string }[], doc: { paths: Record<string, Record<string, unknown>> }, tenant: string): string[] {
  return routes
    .filter((r) => !excluded(r.method, r.url))
    .filter((r) => {
      const path = r.url.replace(':tenant', tenant).replace(/:(\w+)/g, '{$1}');
      return !doc.paths[path]?.[r.method.toLowerCase()];
    })
    .map((r) => `${r.method} ${r.url}`);
}

/** Done-when of issue 13: a route cannot be added without being in the OpenAPI document. */
describe.each(await backends())('every route in the OpenAPI document on %s', (backend) => {
  let s: TestServer;
  let app: FastifyInstance;
  let admin: Session;
  const routes: { method: string; url: string }[] = [];
  const collect = (r: RouteOptions) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url });
  };
  beforeAll(async () => {
    s = await setupServer(backend);
    app = await build({ engine: s.engine, loginRateLimit: 1000, onRoute: collect });
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: s.admin });
    admin = { cookie: `tangram_session=${res.cookies.find((c) => c.name === 'tangram_session')?.value}`, csrf: res.json().csrfToken };
    const installed = await as({ method: 'POST', url: `/api/v1/t/${s.tenant}/templates/install`, payload: { name: 'crm' } });
    expect(installed.statusCode, installed.body).toBe(200);
  });
  afterAll(async () => {
    await app.close();
    await s.close();
  });
  const as = (opts: InjectOptions) => app.inject({ ...opts, headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf } });
  const documentOf = async (a: FastifyInstance) => (await a.inject({ url: `/api/v1/t/${s.tenant}/openapi.json`, headers: { cookie: admin.cookie } })).json();

  it('documents every registered route of the API', async () => {
    const doc = await documentOf(app);
    expect(routes.filter((r) => !excluded(r.method, r.url)).length).toBeGreaterThan(60);
    expect(undocumented(routes, doc, s.tenant)).toEqual([]);
    // Among them the ones the hand-built document missed, and the CRM's objects with their own schemas.
    for (const path of ['query', 'bulk', 'aggregate', '{id}/revert'])
      expect(doc.paths).toHaveProperty([`/api/v1/t/${s.tenant}/objects/{object}/records/${path}`]);
    expect(doc.paths[`/api/v1/t/${s.tenant}/objects/account/records`].post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/account_create',
    });
  });

  it('passes a real OpenAPI 3.1 validator, and so does the document without a tenant (the web client’s)', async () => {
    await expect(SwaggerParser.validate(structuredClone(await documentOf(app)) as never)).resolves.toBeTruthy();
    const generic = await apiDocument();
    await expect(SwaggerParser.validate(structuredClone(generic) as never)).resolves.toBeTruthy();
    expect(Object.keys(generic.paths as object)).toContain('/api/v1/t/{tenant}/objects/{object}/records/{id}');
  });

  it('gives every operation a unique operationId', async () => {
    const doc = await documentOf(app);
    const ids = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap((ops) =>
      Object.values(ops).map((o) => o.operationId),
    );
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['listRecords', 'createRecord', 'signIn', 'queryRecords', 'bulkRecords', 'aggregateRecords', 'revertRecord']));
  });

  it('finds a route added without a declaration', async () => {
    const other: { method: string; url: string }[] = [];
    const extra = await build({
      engine: s.engine,
      onRoute: (r: RouteOptions) => {
        for (const method of [r.method].flat()) other.push({ method, url: r.url });
      },
    });
    extra.get('/api/v1/t/:tenant/undeclared/:thing', async () => ({}));
    extra.post('/api/v1/t/:tenant/half-declared', { schema: { body: { type: 'object' } } }, async () => ({}));
    const doc = await documentOf(extra);
    expect(undocumented(other, doc, s.tenant)).toEqual(['GET /api/v1/t/:tenant/undeclared/:thing', 'POST /api/v1/t/:tenant/half-declared']);
    await extra.close();
  });
});
