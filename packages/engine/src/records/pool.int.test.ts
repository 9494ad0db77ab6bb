import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../testing/databases';
import { type TestTenant, failure, setupTenant } from '../testing/engine';

const app = {
  name: 'pool',
  objects: [
    {
      name: 'customer',
      label: { 'zh-CN': '客户', en: 'Customer' },
      fields: [
        { name: 'name', type: 'text', required: true },
        { name: 'last_follow_up_at', type: 'datetime' },
      ],
      publicPool: { claimLimit: 2, recycleAfterDays: 30, activityField: 'last_follow_up_at' },
    },
    { name: 'supplier', fields: [{ name: 'name', type: 'text' }] },
  ],
};

const day = 86_400_000;

describe.each(await backends())('the public pool (公海) on %s', (backend) => {
  let t: TestTenant;
  const [alice, bob] = [crypto.randomUUID(), crypto.randomUUID()];
  beforeAll(async () => {
    t = await setupTenant(backend);
    await t.tenant.schema.publish(app);
  });
  afterAll(() => t.close());

  const records = () => t.tenant.records;
  const pooled = (name: string) => records().create('customer', { name, owner_id: null });
  const ownerOf = async (id: string) => (await records().get('customer', id)).owner_id;

  it('lets a member claim a record without an owner, once, with an audit entry and an event', async () => {
    const r = await pooled('杭州青禾科技');
    expect(r.owner_id).toBeNull();
    const claimed = await records().claim('customer', r.id, { actor: alice });
    expect(claimed).toMatchObject({ owner_id: alice, version: 2 });
    const taken = await failure(records().claim('customer', r.id, { actor: bob }));
    expect(taken.code).toBe('RECORD_NOT_IN_POOL');
    expect(await ownerOf(r.id)).toBe(alice);
    const [latest] = (await records().history('customer', r.id)).slice(-1);
    expect(latest).toMatchObject({ action: 'transfer', actor: alice, changes: { owner_id: { before: null, after: alice } } });
    const events = await sql<{ payload: { reason: string; to: string } }>`select payload from ${sql.table(`${t.tenant.tenant.schema}._outbox`)}
      where record_id = ${r.id} and event = 'record.transferred'`.execute(t.engine.db);
    expect(events.rows.map((e) => e.payload)).toEqual([expect.objectContaining({ reason: 'claim', to: alice, from: null })]);
  });

  it('stops a claim at the limit, counting what the member owns, and lets one of two racing claims in', async () => {
    const mine = await records().create('customer', { name: '宁波海曙贸易', owner_id: bob });
    const [a, b] = [await pooled('温州鹿城鞋业'), await pooled('嘉兴南湖电子')];
    // Bob owns one; the limit is 2: of two claims at once, one gets in and the other is refused.
    const results = await Promise.allSettled([records().claim('customer', a.id, { actor: bob }), records().claim('customer', b.id, { actor: bob })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused?.reason).toMatchObject({ code: 'POOL_CLAIM_LIMIT', details: { limit: 2, held: 2 } });
    // Giving one back makes room.
    await records().release('customer', mine.id, { actor: bob });
    const left = (await ownerOf(a.id)) === null ? a : b;
    expect((await records().claim('customer', left.id, { actor: bob })).owner_id).toBe(bob);
  });

  it('gives a record back to the pool, and refuses one already there or an object without a pool', async () => {
    const r = await records().create('customer', { name: '台州椒江机械', owner_id: alice });
    const back = await records().release('customer', r.id, { actor: alice });
    expect(back).toMatchObject({ owner_id: null, version: 2 });
    expect((await failure(records().release('customer', r.id, { actor: alice }))).code).toBe('RECORD_IN_POOL');
    const s = await records().create('supplier', { name: '供应商', owner_id: null });
    expect((await failure(records().claim('supplier', s.id, { actor: alice }))).code).toBe('POOL_NOT_ENABLED');
    expect((await failure(records().claim('customer', crypto.randomUUID(), { actor: alice }))).code).toBe('RECORD_NOT_FOUND');
  });

  it('recycles owned records nobody followed up or changed for 30 days, and nothing else', async () => {
    const now = Date.now();
    const followed = await records().create('customer', { name: '最近跟进', owner_id: alice, last_follow_up_at: new Date(now).toISOString() });
    const idle = await records().create('customer', { name: '久未跟进', owner_id: alice, last_follow_up_at: new Date(now - 90 * day).toISOString() });
    const never = await records().create('customer', { name: '从未跟进', owner_id: alice });
    const inPool = await pooled('本在公海');
    const deleted = await records().create('customer', { name: '已删除', owner_id: alice });
    await records().delete('customer', deleted.id, { version: 1 });

    // 10 days on, everything was changed (created) recently: nothing moves.
    expect(await records().recyclePools({ now: new Date(now + 10 * day) })).toEqual({});
    // 40 days on: the one followed up 40 days ago and the one never followed up go back.
    // Records written by the earlier tests go too (owned, untouched since): count only these.
    const moved = await records().recyclePools({ object: 'customer', now: new Date(now + 40 * day) });
    expect(moved.customer).toBeGreaterThanOrEqual(3);
    expect(await ownerOf(followed.id)).toBeNull();
    expect(await ownerOf(idle.id)).toBeNull();
    expect(await ownerOf(never.id)).toBeNull();
    expect(await ownerOf(inPool.id)).toBeNull();
    expect((await records().get('customer', deleted.id, { deleted: true })).owner_id).toBe(alice);
    const [entry] = (await records().history('customer', idle.id)).slice(-1);
    expect(entry).toMatchObject({ action: 'transfer', changes: { owner_id: { before: alice, after: null } } });
    // A claim starts the clock again: 25 days after it, the record is still Bob's.
    await records().claim('customer', idle.id, { actor: bob });
    expect(await records().recyclePools({ object: 'customer', now: new Date(now + 25 * day) })).toEqual({});
    expect(await ownerOf(idle.id)).toBe(bob);
  });

  it('keeps a record followed up recently even when it was not changed otherwise', async () => {
    const now = Date.now();
    const later = new Date(now + 35 * day).toISOString();
    const r = await records().create('customer', { name: '按跟进时间', owner_id: alice, last_follow_up_at: later });
    const other = await records().create('customer', { name: '早已跟进', owner_id: alice, last_follow_up_at: new Date(now - 60 * day).toISOString() });
    await t.engine.db
      .updateTable(`${t.tenant.tenant.schema}.customer` as never)
      .set({ updated_at: new Date(now - 60 * day).toISOString() } as never)
      .where('id' as never, '=', other.id as never)
      .execute();
    // Now, that one was neither followed up nor changed for 60 days; the other was followed up (dated) 35 days on.
    expect(await records().recyclePools({ object: 'customer', now: new Date(now) })).toEqual({ customer: 1 });
    expect(await ownerOf(other.id)).toBeNull();
    // 40 days on, it was followed up 5 days before: it stays (others, idle since the tests above, go).
    await records().recyclePools({ object: 'customer', now: new Date(now + 40 * day) });
    expect(await ownerOf(r.id)).toBe(alice);
  });

  it('refuses pool settings that make no sense, on their path', async () => {
    const bad = structuredClone(app) as { objects: { publicPool?: Record<string, unknown> }[] };
    const customer = bad.objects[0] as { publicPool?: Record<string, unknown> };
    customer.publicPool = { activityField: 'name' };
    const wrongType = await failure(t.tenant.schema.publish(bad as never));
    expect((wrongType.details.problems as { code: string; path: string }[]).map((p) => [p.code, p.path])).toEqual([
      ['FIELD_OPTIONS_INVALID', '/objects/0/publicPool/activityField'],
    ]);
    customer.publicPool = { claimLimit: 0 };
    const zero = await failure(t.tenant.schema.publish(bad as never));
    expect((zero.details.problems as { path: string }[]).map((p) => p.path)).toContain('/objects/0/publicPool/claimLimit');
  });

  it('says in the publish plan that the pool settings change', async () => {
    const changed = structuredClone(app);
    (changed.objects[0] as { publicPool: Record<string, unknown> }).publicPool = { claimLimit: 5 };
    const plan = await t.tenant.schema.plan(changed);
    expect(plan.steps.map((s) => s.description['zh-CN'])).toContain('「客户」(customer) 修改公海设置');
  });
});
