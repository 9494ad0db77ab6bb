import { backends } from '@tangram/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessWorld, accessApp, buildAccessWorld } from './testing/access-fixture';
import { type TestServer, setupServer } from './testing/harness';

// Releasing a record to the public pool gives it away (anyone may then claim it): the owner's
// right or a transfer, not something an edit share or an update scope allows.
describe.each(await backends())('who may release a record to the public pool, over HTTP on %s', (backend) => {
  let s: TestServer;
  let w: AccessWorld;
  let leads: string;

  beforeAll(async () => {
    s = await setupServer(backend);
    w = await buildAccessWorld(s);
    leads = `${w.base}/objects/lead/records`;
    const app = structuredClone(accessApp) as { objects: { name: string; publicPool?: unknown }[] };
    (app.objects.find((o) => o.name === 'lead') as { publicPool?: unknown }).publicPool = {};
    const published = await s.as(w.admin, { method: 'POST', url: `${w.base}/metadata/publish`, payload: { metadata: app } });
    expect(published.statusCode, published.body).toBe(201);
    await w.putRole({ name: 'rep', objects: { lead: { create: true, read: 'own', update: 'own', delete: 'own', transfer: 'own' } } });
    await w.putRole({ name: 'editor', objects: { lead: { read: 'department_and_below', update: 'department_and_below' } } });
    await w.putRole({
      name: 'assigner',
      objects: { lead: { read: 'department_and_below', update: 'department_and_below', transfer: 'department_and_below' } },
    });
    await w.assign('alice', ['rep']);
    await w.assign('bob', ['rep']);
  });
  afterAll(() => s.close());

  const owner = async (id: string) => (await s.as(w.admin, { url: `${leads}/${id}` })).json().owner_id;

  it('refuses a member with an edit share: the lead keeps its owner and they cannot claim it', async () => {
    const lead = await w.create('lead', 'alice', { title: '共享给鲍勃的线索' });
    const shared = await s.as(w.admin, { method: 'POST', url: `${leads}/${lead.id}/shares`, payload: { userId: w.ids.bob, access: 'edit' } });
    expect(shared.statusCode, shared.body).toBeLessThan(300);
    // The share does let Bob edit it…
    const edited = await s.as(w.sessions.bob, { method: 'PATCH', url: `${leads}/${lead.id}`, headers: { 'if-match': '1' }, payload: { region: '华东' } });
    expect(edited.statusCode, edited.body).toBe(200);
    // …but not give it away.
    const released = await s.as(w.sessions.bob, { method: 'POST', url: `${leads}/${lead.id}/release` });
    expect(released.statusCode).toBe(403);
    expect(released.json().error).toMatchObject({ code: 'FORBIDDEN', details: { action: 'transfer' } });
    expect(await owner(lead.id)).toBe(w.ids.alice);
    const claimed = await s.as(w.sessions.bob, { method: 'POST', url: `${leads}/${lead.id}/claim` });
    expect(claimed.json().error.code).toBe('RECORD_NOT_IN_POOL');
    expect(await owner(lead.id)).toBe(w.ids.alice);
  });

  it('refuses an update scope without the transfer right, and allows the owner and a transfer scope', async () => {
    const lead = await w.create('lead', 'bob', { title: '鲍勃的线索' });
    // The manager may edit every lead of 销售部 and below, but transfer none.
    await w.assign('mgr', ['editor']);
    const edited = await s.as(w.sessions.mgr, { method: 'PATCH', url: `${leads}/${lead.id}`, headers: { 'if-match': '1' }, payload: { region: '华东' } });
    expect(edited.statusCode, edited.body).toBe(200);
    const refused = await s.as(w.sessions.mgr, { method: 'POST', url: `${leads}/${lead.id}/release` });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ code: 'FORBIDDEN', details: { action: 'transfer' } });
    expect(await owner(lead.id)).toBe(w.ids.bob);
    // With the transfer right over the same leads, the release is a transfer they may make.
    await w.assign('mgr', ['assigner']);
    const released = await s.as(w.sessions.mgr, { method: 'POST', url: `${leads}/${lead.id}/release` });
    expect(released.statusCode, released.body).toBe(200);
    expect(await owner(lead.id)).toBeNull();
    // An owner releases their own.
    const mine = await w.create('lead', 'alice', { title: '爱丽丝的线索' });
    const own = await s.as(w.sessions.alice, { method: 'POST', url: `${leads}/${mine.id}/release` });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().owner_id).toBeNull();
  });
});
