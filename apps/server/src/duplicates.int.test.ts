import { backends } from '@tangram/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessWorld, accessApp, buildAccessWorld } from './testing/access-fixture';
import { type TestServer, setupServer } from './testing/harness';

// 查重 through the API: the refusal names the record matched only to those who may read it,
// and a record restored from the recycle bin is checked like a new one.
describe.each(await backends())('duplicate rules over HTTP on %s', (backend) => {
  let s: TestServer;
  let w: AccessWorld;
  let leads: string;

  beforeAll(async () => {
    s = await setupServer(backend);
    w = await buildAccessWorld(s);
    leads = `${w.base}/objects/lead/records`;
    const app = structuredClone(accessApp) as { objects: { name: string; duplicateRules?: unknown[] }[] };
    const lead = app.objects.find((o) => o.name === 'lead') as { duplicateRules?: unknown[] };
    lead.duplicateRules = [{ id: 'dup_company', field: 'title', match: 'company' }];
    const published = await s.as(w.admin, { method: 'POST', url: `${w.base}/metadata/publish`, payload: { metadata: app } });
    expect(published.statusCode, published.body).toBe(201);
    await w.putRole({ name: 'rep', objects: { lead: { create: true, read: 'own', update: 'own', delete: 'own' } } });
    await w.assign('alice', ['rep']);
    await w.assign('bob', ['rep']);
  });
  afterAll(() => s.close());

  it('names the record matched to whoever may read it, and only says one exists to others', async () => {
    const mine = await s.as(w.sessions.alice, { method: 'POST', url: leads, payload: { title: '杭州青禾科技有限公司' } });
    expect(mine.statusCode, mine.body).toBe(201);
    const id = mine.json().id as string;

    const again = await s.as(w.sessions.alice, { method: 'POST', url: leads, payload: { title: '杭州青禾科技（中国）有限公司' } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({
      code: 'RECORD_DUPLICATE',
      details: { problems: [{ code: 'RECORD_DUPLICATE', field: 'title', rule: 'dup_company', existing: { id, title: '杭州青禾科技有限公司' } }] },
    });

    // Bob may not read Alice's lead: he learns that the company is taken, not which record holds it.
    const bobs = await s.as(w.sessions.bob, { method: 'POST', url: leads, payload: { title: '杭州 青禾科技' } });
    expect(bobs.statusCode).toBe(409);
    const problem = bobs.json().error.details.problems[0];
    expect(problem).toMatchObject({ code: 'RECORD_DUPLICATE', field: 'title' });
    expect(problem).not.toHaveProperty('existing');
    expect(bobs.body).not.toContain(id);

    const admins = await s.as(w.admin, { method: 'POST', url: leads, payload: { title: '杭州青禾科技' } });
    expect(admins.json().error.details.problems[0].existing).toEqual({ id, title: '杭州青禾科技有限公司' });
  });

  it('refuses to restore a record that a live one now duplicates, and restores it once that one is gone', async () => {
    const old = (await s.as(w.admin, { method: 'POST', url: leads, payload: { title: '宁波海曙贸易有限公司' } })).json();
    expect((await s.as(w.admin, { method: 'DELETE', url: `${leads}/${old.id}`, headers: { 'if-match': '"1"' } })).statusCode).toBe(204);
    const newer = await s.as(w.admin, { method: 'POST', url: leads, payload: { title: '宁波海曙贸易' } });
    expect(newer.statusCode, newer.body).toBe(201);

    const refused = await s.as(w.admin, { method: 'POST', url: `${leads}/${old.id}/restore` });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.details.problems[0]).toMatchObject({ field: 'title', existing: { id: newer.json().id, title: '宁波海曙贸易' } });
    // Still in the recycle bin, unchanged.
    const got = await s.as(w.admin, { url: `${leads}/${old.id}` });
    expect(got.statusCode).toBe(404);

    expect((await s.as(w.admin, { method: 'DELETE', url: `${leads}/${newer.json().id}`, headers: { 'if-match': '"1"' } })).statusCode).toBe(204);
    const restored = await s.as(w.admin, { method: 'POST', url: `${leads}/${old.id}/restore` });
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json()).toMatchObject({ id: old.id, title: '宁波海曙贸易有限公司', version: 3 });
  });
});
