import { backends } from '@tangram/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessWorld, accessApp, buildAccessWorld } from './testing/access-fixture';
import { type TestServer, setupServer } from './testing/harness';

// The public pool (公海) through the API, for members who otherwise see only their own leads.
describe.each(await backends())('the public pool over HTTP on %s', (backend) => {
  let s: TestServer;
  let w: AccessWorld;
  let leads: string;
  const titles = (res: { json(): { records: { title: string }[] } }) =>
    res
      .json()
      .records.map((r) => r.title)
      .sort();

  beforeAll(async () => {
    s = await setupServer(backend);
    w = await buildAccessWorld(s);
    leads = `${w.base}/objects/lead/records`;
    const app = structuredClone(accessApp) as { objects: { name: string; publicPool?: unknown }[] };
    (app.objects.find((o) => o.name === 'lead') as { publicPool?: unknown }).publicPool = { claimLimit: 2, recycleAfterDays: 30 };
    const published = await s.as(w.admin, { method: 'POST', url: `${w.base}/metadata/publish`, payload: { metadata: app } });
    expect(published.statusCode, published.body).toBe(201);
    await w.putRole({ name: 'rep', objects: { lead: { create: true, read: 'own', update: 'own', delete: 'own' }, deal: { read: 'own' } } });
    await w.assign('alice', ['rep']);
    await w.assign('bob', ['rep']);
    await w.create('lead', 'alice', { title: '爱丽丝的线索' });
    await w.create('lead', 'bob', { title: '鲍勃的线索' });
    for (const title of ['公海一', '公海二']) {
      const res = await s.as(w.admin, { method: 'POST', url: leads, payload: { title, owner_id: null } });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(() => s.close());

  it('shows pool records to every member who reads the object, beside their own', async () => {
    expect(titles(await s.as(w.sessions.alice, { url: leads }))).toEqual(['公海一', '公海二', '爱丽丝的线索']);
    expect(titles(await s.as(w.sessions.bob, { url: leads }))).toEqual(['公海一', '公海二', '鲍勃的线索']);
    const pool = encodeURIComponent(JSON.stringify({ '==': [{ var: 'owner_id' }, null] }));
    expect(titles(await s.as(w.sessions.bob, { url: `${leads}?filter=${pool}` }))).toEqual(['公海一', '公海二']);
  });

  it('lets a member claim one; it leaves the others’ view; a second member cannot take it or see it', async () => {
    const pool = (await s.as(w.sessions.alice, { url: leads })).json().records.find((r: { title: string }) => r.title === '公海一');
    const claimed = await s.as(w.sessions.alice, { method: 'POST', url: `${leads}/${pool.id}/claim` });
    expect(claimed.statusCode, claimed.body).toBe(200);
    expect(claimed.json()).toMatchObject({ owner_id: w.ids.alice, version: 2 });
    expect(titles(await s.as(w.sessions.bob, { url: leads }))).toEqual(['公海二', '鲍勃的线索']);
    // Bob may not read it any more: for him it does not exist.
    const taken = await s.as(w.sessions.bob, { method: 'POST', url: `${leads}/${pool.id}/claim` });
    expect(taken.statusCode).toBe(404);
    expect(taken.json().error.code).toBe('RECORD_NOT_FOUND');
    expect((await s.as(w.sessions.bob, { method: 'POST', url: `${leads}/${pool.id}/release` })).json().error.code).toBe('RECORD_NOT_FOUND');
    // The admin sees whose it is, and the admin claiming it hears that it has an owner.
    const admins = await s.as(w.admin, { method: 'POST', url: `${leads}/${pool.id}/claim` });
    expect(admins.statusCode).toBe(409);
    expect(admins.json().error.code).toBe('RECORD_NOT_IN_POOL');
  });

  it('stops a claim at the limit with the limit in the error, and a release makes room', async () => {
    const other = (await s.as(w.sessions.alice, { url: leads })).json().records.find((r: { title: string }) => r.title === '公海二');
    const limited = await s.as(w.sessions.alice, { method: 'POST', url: `${leads}/${other.id}/claim` });
    expect(limited.statusCode).toBe(409);
    expect(limited.json().error).toMatchObject({ code: 'POOL_CLAIM_LIMIT', details: { limit: 2, held: 2 } });
    const own = (await s.as(w.sessions.alice, { url: leads })).json().records.find((r: { title: string }) => r.title === '爱丽丝的线索');
    const released = await s.as(w.sessions.alice, { method: 'POST', url: `${leads}/${own.id}/release` });
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json().owner_id).toBeNull();
    expect((await s.as(w.sessions.alice, { method: 'POST', url: `${leads}/${other.id}/claim` })).statusCode).toBe(200);
    // The released lead is in the pool: Bob sees it now.
    expect(titles(await s.as(w.sessions.bob, { url: leads }))).toEqual(['爱丽丝的线索', '鲍勃的线索']);
  });

  it('refuses claims on an object without a pool, and lets only tenant admins run the recycling', async () => {
    const deal = await w.create('deal', 'alice', { title: '大单' });
    const noPool = await s.as(w.sessions.alice, { method: 'POST', url: `${w.base}/objects/deal/records/${deal.id}/claim` });
    expect(noPool.statusCode).toBe(400);
    expect(noPool.json().error.code).toBe('POOL_NOT_ENABLED');
    const byMember = await s.as(w.sessions.alice, { method: 'POST', url: `${w.base}/pool/recycle`, payload: {} });
    expect(byMember.statusCode).toBe(403);
    // Everything was written just now: nothing is idle yet.
    const byAdmin = await s.as(w.admin, { method: 'POST', url: `${w.base}/pool/recycle`, payload: { object: 'lead' } });
    expect(byAdmin.statusCode, byAdmin.body).toBe(200);
    expect(byAdmin.json()).toEqual({ recycled: 0, byObject: {} });
  });

  it('documents claim and release in the OpenAPI document for objects with a pool only', async () => {
    const doc = (await s.as(w.admin, { url: `${w.base}/openapi.json` })).json();
    const paths = Object.keys(doc.paths);
    expect(paths).toContain(`/api/v1/t/${s.tenant}/objects/lead/records/{id}/claim`);
    expect(paths).toContain(`/api/v1/t/${s.tenant}/objects/lead/records/{id}/release`);
    expect(paths).not.toContain(`/api/v1/t/${s.tenant}/objects/deal/records/{id}/claim`);
  });
});
