import { backends } from '@tangram/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessWorld, buildAccessWorld } from './testing/access-fixture';
import { type TestServer, setupServer } from './testing/harness';

// A member reverting a record restores only the fields they may edit: what they may not read
// neither comes back nor shows, not even as a different answer when it changed.
describe.each(await backends())('reverting as a member with hidden and read-only fields, over HTTP on %s', (backend) => {
  let s: TestServer;
  let w: AccessWorld;
  let deals: string;

  beforeAll(async () => {
    s = await setupServer(backend);
    w = await buildAccessWorld(s);
    deals = `${w.base}/objects/deal/records`;
    await w.putRole({
      name: 'seller',
      objects: { deal: { create: true, read: 'own', update: 'own', fields: { cost: 'hidden', secret_note: 'hidden', region: 'read' } } },
    });
    await w.assign('alice', ['seller']);
  });
  afterAll(() => s.close());

  /** A deal of Alice's at version 2: the admin changed its title and region, and `hidden` too. */
  async function changedDeal(hidden: Record<string, unknown>) {
    const deal = await w.create('deal', 'alice', { title: '原标题', amount: 100, cost: 60, secret_note: '底价', region: '华东' });
    const res = await s.as(w.admin, {
      method: 'PATCH',
      url: `${deals}/${deal.id}`,
      headers: { 'if-match': '1' },
      payload: { title: '新标题', region: '华南', ...hidden },
    });
    expect(res.statusCode, res.body).toBe(200);
    return deal.id;
  }

  /** The answer without what differs between two records anyway (ids, times). */
  const comparable = (res: { statusCode: number; json(): any }) => {
    const { id: _i, created_at: _c, updated_at: _u, ...rest } = res.json();
    return { status: res.statusCode, body: rest };
  };

  it('answers the same whether a hidden field changed since that version or not, and leaves hidden and read-only fields alone', async () => {
    const withHidden = await changedDeal({ cost: 80, secret_note: '新底价' });
    const without = await changedDeal({});
    const a = await s.as(w.sessions.alice, { method: 'POST', url: `${deals}/${withHidden}/revert`, payload: { version: 1 } });
    const b = await s.as(w.sessions.alice, { method: 'POST', url: `${deals}/${without}/revert`, payload: { version: 1 } });
    expect(comparable(a)).toEqual(comparable(b));
    expect(a.statusCode, a.body).toBe(200);
    expect(a.json()).toMatchObject({ title: '原标题', region: '华南', version: 3 });
    for (const hidden of ['cost', 'secret_note', 'margin']) expect(a.json()).not.toHaveProperty(hidden);
    // The hidden values are those the admin set, not the old ones.
    expect((await s.as(w.admin, { url: `${deals}/${withHidden}` })).json()).toMatchObject({ title: '原标题', cost: 80, secret_note: '新底价', region: '华南' });
  });

  it('answers a revert to a version differing only in a hidden field like one to the current version', async () => {
    const deal = await w.create('deal', 'alice', { title: '标题', cost: 60 });
    const changed = await s.as(w.admin, { method: 'PATCH', url: `${deals}/${deal.id}`, headers: { 'if-match': '1' }, payload: { cost: 90 } });
    expect(changed.json().version).toBe(2);
    const toOld = await s.as(w.sessions.alice, { method: 'POST', url: `${deals}/${deal.id}/revert`, payload: { version: 1 } });
    const toCurrent = await s.as(w.sessions.alice, { method: 'POST', url: `${deals}/${deal.id}/revert`, payload: { version: 2 } });
    expect(toOld.statusCode, toOld.body).toBe(200);
    expect(toOld.json()).toEqual(toCurrent.json());
    expect(toOld.json()).toMatchObject({ title: '标题', version: 2 });
    expect((await s.as(w.admin, { url: `${deals}/${deal.id}` })).json().cost).toBe(90);
  });
});
