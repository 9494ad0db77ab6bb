import { backends } from '@tangram/engine/testing';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestServer, setupServer } from './testing/harness';

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>; components: unknown };

/**
 * The web app is typed from the OpenAPI document alone, so the answers' schemas must say what the
 * server really sends: every answer below is checked against its documented schema (required
 * properties, types, formats, enums).
 */
describe.each(await backends())('answers match the OpenAPI document on %s', (backend) => {
  let s: TestServer;
  let admin: Session;
  let doc: Doc;
  let object: string;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);

  beforeAll(async () => {
    s = await setupServer(backend);
    admin = await s.login(s.admin.email, s.admin.password);
    const installed = await s.as(admin, { method: 'POST', url: `/api/v1/t/${s.tenant}/templates/install`, payload: { name: 'crm', sampleData: true } });
    expect(installed.statusCode, installed.body).toBe(200);
    doc = (await s.as(admin, { url: `/api/v1/t/${s.tenant}/openapi.json` })).json();
    object = Object.keys(doc.paths)
      .map((p) => /\/objects\/(\w+)\/records\/query$/.exec(p)?.[1])
      .find((o) => o !== undefined) as string;
  });
  afterAll(async () => {
    await s.close();
  });

  /** Calls the route and checks the answer against the document's schema for `path` (the document's spelling). */
  async function answers(path: string, opts: InjectOptions, status = 200) {
    const res = await s.as(admin, opts);
    expect(res.statusCode, res.body).toBe(status);
    const method = (opts.method ?? 'GET').toLowerCase();
    const schema = doc.paths[path]?.[method]?.responses[String(status)]?.content?.['application/json']?.schema;
    expect(schema, `${method} ${path} ${status} is documented`).toBeDefined();
    const validate = ajv.compile({ ...(schema as object), components: doc.components });
    const body = res.json();
    expect(validate(body) ? [] : validate.errors, `${method} ${path}`).toEqual([]);
    return body;
  }

  it('auth, the app market and the tenant’s packages', async () => {
    await answers('/api/v1/auth/me', { url: '/api/v1/auth/me' });
    await answers('/api/v1/auth/login', { method: 'POST', url: '/api/v1/auth/login', payload: s.admin });
    await answers('/api/v1/templates', { url: '/api/v1/templates' });
    const t = `/api/v1/t/${s.tenant}`;
    await answers(`${t}/templates`, { url: `${t}/templates` });
    await answers(`${t}/templates/install`, { method: 'POST', url: `${t}/templates/install`, payload: { name: 'crm' } });
    await answers(`${t}/templates/{name}/export`, { url: `${t}/templates/crm/export` });
  });

  it('metadata: published, draft, plan, publish, revisions, diff, rollback', async () => {
    const t = `/api/v1/t/${s.tenant}`;
    await answers(`${t}/metadata`, { url: `${t}/metadata` });
    const draft = await answers(`${t}/metadata/draft`, { url: `${t}/metadata/draft` });
    await answers(`${t}/metadata/draft`, {
      method: 'PUT',
      url: `${t}/metadata/draft`,
      payload: { metadata: draft.metadata, baseRevision: draft.baseRevision },
    });
    await answers(`${t}/metadata/plan`, { method: 'POST', url: `${t}/metadata/plan`, payload: {} });
    const published = await answers(`${t}/metadata/publish`, { method: 'POST', url: `${t}/metadata/publish`, payload: { message: 'again' } }, 201);
    const revisions = await answers(`${t}/metadata/revisions`, { url: `${t}/metadata/revisions` });
    expect(revisions.revisions[0].id).toBe(published.id);
    await answers(`${t}/metadata/revisions/{id}`, { url: `${t}/metadata/revisions/1` });
    await answers(`${t}/metadata/revisions/{id}/diff`, { url: `${t}/metadata/revisions/${published.id}/diff` });
    await answers(`${t}/metadata/revisions/{id}/rollback`, { method: 'POST', url: `${t}/metadata/revisions/${published.id - 1}/rollback` }, 201);
  });

  it('access, members and the organisation', async () => {
    const t = `/api/v1/t/${s.tenant}`;
    await answers(`${t}/access/me`, { url: `${t}/access/me` });
    await answers(`${t}/access/roles`, { url: `${t}/access/roles` });
    const added = await answers(
      `${t}/members`,
      { method: 'POST', url: `${t}/members`, payload: { email: `member@${s.domain}`, name: 'Member', password: 'correct horse battery', role: 'member' } },
      201,
    );
    await answers(`${t}/access/users/{id}/roles`, { method: 'PUT', url: `${t}/access/users/${added.user.id}/roles`, payload: { roles: [] } });
    await answers(`${t}/org/departments`, { method: 'POST', url: `${t}/org/departments`, payload: { name: 'Sales' } }, 201);
    await answers(`${t}/org/departments`, { url: `${t}/org/departments` });
    const page = await answers(`${t}/org/members`, { url: `${t}/org/members?limit=10` });
    expect(page.members.length).toBeGreaterThan(0);
    await answers(`${t}/org/members`, { url: `${t}/org/members?ids=${added.user.id}` });
    await answers(`${t}/org/members/{id}`, { url: `${t}/org/members/${added.user.id}` });
  });

  it('records: the query in a body, bulk, history', async () => {
    const records = `/api/v1/t/${s.tenant}/objects/${object}/records`;
    const page = await answers(`${records}/query`, { method: 'POST', url: `${records}/query`, payload: { limit: 5, count: true } });
    expect(page.records.length).toBeGreaterThan(0);
    const first = page.records[0];
    await answers(`${records}/bulk`, { method: 'POST', url: `${records}/bulk`, payload: { update: [{ id: first.id, version: first.version, values: {} }] } });
    await answers(`${records}/{id}/history`, { url: `${records}/${first.id}/history` });
  });
});
