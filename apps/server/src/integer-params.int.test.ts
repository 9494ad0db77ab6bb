import { backends } from '@tangram/engine/testing';
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from './app';
import { type Session, type TestServer, setupServer } from './testing/harness';

// A whole number in a URL (a revision, a run id, a page cursor, an offset) goes to SQL as a
// bigint: one past what it holds answered 500 (numeric out of range). Every integer parameter of
// a path or query string must be bounded in its route schema (a 400 naming it), and one that
// slips through still answers 400, not 500.

const huge = '99999999999999999999';

type Schema = { type?: string; maximum?: number; properties?: Record<string, Schema> };

describe.each(await backends())('whole numbers in URLs on %s', (backend) => {
  let s: TestServer;
  let admin: Session;
  const routes: { method: string; url: string; schema?: { querystring?: Schema; params?: Schema } }[] = [];

  beforeAll(async () => {
    s = await setupServer(backend);
    admin = await s.login(s.admin.email, s.admin.password);
    const app = await build({
      engine: s.engine,
      onRoute: (r: RouteOptions) => {
        for (const method of [r.method].flat()) routes.push({ method, url: r.url, schema: r.schema as never });
      },
    });
    await app.ready();
    await app.close();
    const published = await s.as(admin, {
      method: 'POST',
      url: `/api/v1/t/${s.tenant}/metadata/publish`,
      payload: { metadata: { name: 'ints', objects: [{ name: 'deal', fields: [{ name: 'title', type: 'text' }] }] } },
    });
    expect(published.statusCode, published.body).toBe(201);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('bounds every integer of a path or query string to what a bigint and a JavaScript number hold', () => {
    const unbounded = routes.flatMap((r) =>
      (['params', 'querystring'] as const).flatMap((part) =>
        Object.entries(r.schema?.[part]?.properties ?? {})
          .filter(([, p]) => p.type === 'integer' && !(p.maximum !== undefined && p.maximum <= Number.MAX_SAFE_INTEGER))
          .map(([name]) => `${r.method} ${r.url} ${part}.${name}`),
      ),
    );
    expect(routes.length).toBeGreaterThan(50);
    expect(unbounded).toEqual([]);
  });

  it('answers a number too large for any id, cursor or offset with 400, naming it', async () => {
    const t = `/api/v1/t/${s.tenant}`;
    for (const url of [
      `${t}/metadata/revisions/${huge}`,
      `${t}/metadata/revisions/${huge}/diff`,
      `${t}/metadata/revisions/1/diff?from=${huge}`,
      `${t}/org/members?offset=${huge}`,
      `${t}/objects/deal/records?offset=${huge}`,
      `${t}/objects/deal/records?limit=${huge}`,
      `${t}/automations/x/runs?before=${huge}`,
    ]) {
      const res = await s.as(admin, { url });
      expect([res.statusCode, res.json().error.code], `${url} ${res.body}`).toEqual([400, expect.stringMatching(/^(VALIDATION_FAILED|QUERY_INVALID)$/)]);
      expect(JSON.stringify(res.json().error.details.problems)).toMatch(/\/(id|from|offset|limit|before)"/);
    }
  });

  it('answers a version too large in a header or body as a refusal, not a 500', async () => {
    const t = `/api/v1/t/${s.tenant}`;
    const id = (await s.as(admin, { method: 'POST', url: `${t}/objects/deal/records`, payload: { title: 'x' } })).json().id;
    const answers = [
      await s.as(admin, { method: 'PATCH', url: `${t}/objects/deal/records/${id}`, headers: { 'if-match': huge }, payload: { title: 'y' } }),
      await s.as(admin, { method: 'DELETE', url: `${t}/objects/deal/records/${id}`, headers: { 'if-match': huge } }),
      await s.as(admin, { method: 'POST', url: `${t}/objects/deal/records/${id}/revert`, payload: { version: Number(huge) } }),
      await s.as(admin, { method: 'POST', url: `${t}/metadata/publish`, payload: { metadata: { name: 'ints', objects: [] }, baseRevision: Number(huge) } }),
    ];
    for (const res of answers) expect([res.statusCode >= 400 && res.statusCode < 500, typeof res.json().error?.code], res.body).toEqual([true, 'string']);
  });
});
