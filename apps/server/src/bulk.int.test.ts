import { backends } from '@tangram/engine/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessWorld, buildAccessWorld } from './testing/access-fixture';
import { type TestServer, setupServer } from './testing/harness';

// One bulk call is one transaction: a failure anywhere in its lists leaves nothing behind.
describe.each(await backends())('bulk writes are all or nothing, over HTTP on %s', (backend) => {
  let s: TestServer;
  let w: AccessWorld;
  let deals: string;

  beforeAll(async () => {
    s = await setupServer(backend);
    w = await buildAccessWorld(s);
    deals = `${w.base}/objects/deal/records`;
    await w.putRole({ name: 'seller', objects: { deal: { create: true, read: 'own', update: 'own', delete: 'own' } } });
    await w.assign('alice', ['seller']);
  });
  afterAll(() => s.close());

  /** Rows, audit entries and events of the tenant: what a failed call must not change. */
  async function written() {
    const tenant = await s.engine.tenant(s.tenant);
    const db = s.engine.database.db;
    const count = async (table: string) =>
      Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.id(tenant.tenant.schema, table)}`.execute(db)).rows[0]?.n);
    const rows = (await s.as(w.admin, { url: `${deals}?count=true&limit=1` })).json().total;
    return { rows, audit: await count('_audit'), events: await count('_outbox') };
  }

  it.each([
    ['an update of a record that does not exist', () => ({ id: '01900000-0000-7000-8000-000000000000', values: { title: 'x' } })],
    ['an invalid value', (own: { id: string }) => ({ id: own.id, values: { amount: 'lots' } })],
    ['a stale version', (own: { id: string }) => ({ id: own.id, version: 99, values: { title: 'x' } })],
    ["another member's record", (_own: { id: string }, theirs: { id: string }) => ({ id: theirs.id, values: { title: 'x' } })],
  ])('a failing update list (%s) leaves none of the creates, audit entries or events', async (_what, update) => {
    const own = await w.create('deal', 'alice', { title: '自己的' });
    const theirs = await w.create('deal', 'bob', { title: '别人的' });
    const before = await written();
    const res = await s.as(w.sessions.alice, {
      method: 'POST',
      url: `${deals}/bulk`,
      payload: { create: [{ title: '新一' }, { title: '新二' }], update: [update(own, theirs)], delete: [own.id] },
    });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(await written()).toEqual(before);
    expect(res.json().error.details).toMatchObject({ list: 'update', index: 0 });
    expect((await s.as(w.admin, { url: `${deals}/${own.id}` })).json()).toMatchObject({ title: '自己的', version: 1 });
  });

  it('a failing delete list undoes the creates and updates before it; a good call writes all three', async () => {
    const own = await w.create('deal', 'alice', { title: '自己的' });
    const before = await written();
    const bad = await s.as(w.sessions.alice, {
      method: 'POST',
      url: `${deals}/bulk`,
      payload: { create: [{ title: '新' }], update: [{ id: own.id, values: { title: '改' } }], delete: ['01900000-0000-7000-8000-000000000001'] },
    });
    expect(await written()).toEqual(before);
    expect(bad.json().error.details).toMatchObject({ list: 'delete', index: 0 });
    const good = await s.as(w.sessions.alice, {
      method: 'POST',
      url: `${deals}/bulk`,
      payload: { create: [{ title: '新' }], update: [{ id: own.id, values: { title: '改' } }] },
    });
    expect(good.statusCode, good.body).toBe(200);
    expect(good.json()).toMatchObject({ created: [{ title: '新' }], updated: [{ title: '改', version: 2 }], deleted: 0 });
    const after = await written();
    expect(after).toEqual({ rows: before.rows + 1, audit: before.audit + 2, events: before.events + 2 });
  });
});
