import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../engine';
import type { TenantEngine } from '../engine';
import { backends, openTestDatabase } from '../testing/databases';
import { type TestTenant, failure, setupTenant } from '../testing/engine';
import type { RecipientRule } from './recipients';
import type { NotificationEvent } from './types';

/** Events a subscription received, and a way to wait until one arrives. */
function collector() {
  const events: NotificationEvent[] = [];
  let wake: () => void = () => {};
  return {
    events,
    listener: (e: NotificationEvent) => {
      events.push(e);
      wake();
    },
    async next(n: number): Promise<NotificationEvent[]> {
      while (events.length < n) await new Promise<void>((r) => (wake = r));
      return events.slice(0, n);
    },
  };
}

describe.each(await backends())('notifications on %s', (backend) => {
  let t: TestTenant;
  let other: TenantEngine;
  const u = { ann: uuidv7(), bob: uuidv7(), cat: uuidv7(), dan: uuidv7(), eve: uuidv7(), gone: uuidv7() };
  const n = () => t.tenant.notifications;
  const insertUsers = (tenant: TenantEngine, users: Record<string, string>) =>
    t.engine.db
      .withSchema(tenant.tenant.schema)
      .insertInto('_user')
      .values(Object.entries(users).map(([name, id]) => ({ id, name, active: name !== 'gone' })))
      .execute();

  beforeAll(async () => {
    t = await setupTenant(backend);
    await insertUsers(t.tenant, u);
    other = await t.engine.createTenant(`${t.tenant.tenant.slug}x`);
    await insertUsers(other, { ann: u.ann });
  });
  afterAll(async () => {
    if (backend === 'postgres') {
      await t.engine.db.schema.dropSchema(other.tenant.schema).ifExists().cascade().execute();
      await t.engine.db.withSchema('platform').deleteFrom('tenant').where('slug', '=', other.tenant.slug).execute();
    }
    await t.close();
  });

  it('notifies each active member once per idempotency key, inside the caller’s transaction', async () => {
    const input = { to: [u.ann, u.bob, u.gone, uuidv7(), u.ann], kind: 'deal.at_risk', title: '大额商机 7 天未跟进', key: 'rule-1:deal-1:ep-1' };
    const first = await t.engine.db.transaction().execute((trx) => n().notify(trx, input));
    expect(first.map((x) => x.title)).toEqual(['大额商机 7 天未跟进', '大额商机 7 天未跟进']);
    // The sender runs again (at least once): nothing new; a new recipient with the same key gets theirs.
    expect(await n().notify(t.engine.db, input)).toEqual([]);
    expect(await n().notify(t.engine.db, { ...input, to: [u.ann, u.cat] })).toHaveLength(1);
    expect(await n().unreadCount(u.ann)).toBe(1);
    expect(await n().unreadCount(u.cat)).toBe(1);
    expect(await n().unreadCount(u.gone)).toBe(0);
    // Without a key each call notifies.
    await n().notify(t.engine.db, { to: [u.dan], kind: 'system', title: 'a' });
    await n().notify(t.engine.db, { to: [u.dan], kind: 'system', title: 'a' });
    expect(await n().unreadCount(u.dan)).toBe(2);
  });

  it('leaves nothing behind when the caller’s transaction rolls back', async () => {
    await expect(
      t.engine.db.transaction().execute(async (trx) => {
        await n().notify(trx, { to: [u.eve], kind: 'system', title: 'rolled back' });
        throw new Error('the caller failed');
      }),
    ).rejects.toThrow('the caller failed');
    expect(await n().unreadCount(u.eve)).toBe(0);
  });

  it('keeps the link, body and source as given and refuses bad input naming every field', async () => {
    const recordId = uuidv7();
    const [made] = await n().notify(t.engine.db, {
      to: [u.eve],
      kind: 'approval.task',
      title: '  请审批合同  ',
      body: '合同 C-001 等你审批',
      link: { object: 'contract', recordId },
      source: { type: 'workflow', id: 'wf-1' },
    });
    expect(made).toMatchObject({
      title: '请审批合同',
      body: '合同 C-001 等你审批',
      link: { object: 'contract', recordId },
      source: { type: 'workflow', id: 'wf-1' },
      readAt: null,
    });
    const [path] = await n().notify(t.engine.db, { to: [u.eve], kind: 'system', title: 'x', link: { path: '/t/acme/o/deal' } });
    expect(path?.link).toEqual({ path: '/t/acme/o/deal' });
    const bad = await failure(n().notify(t.engine.db, { to: ['nope'], kind: 'Bad Kind', title: '', link: { path: '//evil.example' }, key: '' } as never));
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect((bad.details.problems as { field: string }[]).map((p) => p.field).sort()).toEqual(['key', 'kind', 'link/path', 'title', 'to/0']);
  });

  it('lists a member’s notifications newest first, a page at a time, unread only on request', async () => {
    for (let i = 0; i < 25; i++) await n().notify(t.engine.db, { to: [u.bob], kind: 'paging', title: `#${i}` });
    const seen: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await n().list(u.bob, { limit: 10, before });
      seen.push(...page.notifications.map((x) => x.title));
      if (!page.nextBefore) break;
      before = page.nextBefore;
    }
    expect(seen).toEqual([...Array.from({ length: 25 }, (_, i) => `#${24 - i}`), '大额商机 7 天未跟进']);
    const [newest] = (await n().list(u.bob, { limit: 1 })).notifications;
    await n().markRead(u.bob, [newest!.id]);
    const unread = await n().list(u.bob, { unreadOnly: true, limit: 100 });
    expect(unread.notifications).toHaveLength(25);
    expect(unread.notifications.map((x) => x.title)).not.toContain('#24');
    expect((await failure(n().list(u.bob, { limit: 0, before: 'x' }))).details.problems).toHaveLength(2);
  });

  it('marks read only the member’s own notifications, given ones or all', async () => {
    const [mine] = await n().notify(t.engine.db, { to: [u.cat], kind: 'system', title: 'mine' });
    const [theirs] = await n().notify(t.engine.db, { to: [u.dan], kind: 'system', title: 'theirs' });
    expect(await n().markRead(u.cat, [theirs!.id, mine!.id])).toBe(1);
    expect(await n().markRead(u.cat, [mine!.id])).toBe(0);
    expect((await n().list(u.dan, { limit: 1 })).notifications[0]).toMatchObject({ id: theirs!.id, readAt: null });
    expect((await n().list(u.cat, { limit: 1 })).notifications[0]?.readAt).toEqual(expect.any(String));
    expect(await n().unreadCount(u.dan)).toBe(3);
    expect(await n().markRead(u.dan, 'all')).toBe(3);
    expect(await n().unreadCount(u.dan)).toBe(0);
    expect((await failure(n().markRead(u.dan, ['x']))).code).toBe('VALIDATION_FAILED');
  });

  it('keeps e-mail preferences per member and kind; in-app is always on', async () => {
    expect(await n().preferences(u.ann)).toEqual({ inApp: true, email: { 'deal.at_risk': true }, emailDefault: true });
    const set = await n().setPreferences(u.ann, { email: { 'deal.at_risk': false, 'approval.task': true } });
    expect(set.email).toEqual({ 'approval.task': true, 'deal.at_risk': false });
    expect(await n().emailRecipients([u.ann, u.bob, u.gone], 'deal.at_risk')).toEqual([u.bob]);
    expect(await n().emailRecipients([u.ann], 'approval.task')).toEqual([u.ann]);
    // Another member's preferences are their own.
    expect((await n().preferences(u.bob)).email['deal.at_risk']).toBe(true);
    const bad = await failure(n().setPreferences(u.ann, { email: { 'deal.at_risk': 'no', 'Bad Kind': true } }));
    expect((bad.details.problems as { field: string }[]).map((p) => p.field).sort()).toEqual(['email/Bad Kind', 'email/deal.at_risk']);
    expect((await failure(n().setPreferences(uuidv7(), { email: {} }))).code).toBe('RECORD_NOT_FOUND');
  });

  it('resolves recipients: owner, owner’s manager, department head, role members, a user field', async () => {
    const org = t.tenant.org;
    const hq = await org.createDepartment({ name: '总部', headId: u.ann });
    const sales = await org.createDepartment({ name: '销售部', parentId: hq.id, headId: u.bob });
    const east = await org.createDepartment({ name: '华东区', parentId: sales.id });
    await org.updateMember(u.cat, { departmentIds: [east.id] });
    await org.updateMember(u.bob, { departmentIds: [sales.id] });
    await org.updateMember(u.dan, { managerId: u.eve });
    await t.tenant.access.putRole('sales_ops', { name: 'sales_ops', label: { 'zh-CN': '销售运营' }, objects: {} });
    await t.tenant.access.setUserRoles(u.dan, ['sales_ops']);
    await t.tenant.access.setUserRoles(u.gone, ['sales_ops']);
    await t.tenant.access.setUserRoles(u.eve, ['sales_ops']);
    const r = (rules: RecipientRule[], record?: Record<string, unknown>) => n().recipients(rules, { record });
    const deal = { id: uuidv7(), owner_id: u.cat, reviewer: u.dan };
    expect(await r([{ type: 'owner' }], deal)).toEqual([u.cat]);
    // East has no head: the nearest department above with one (sales).
    expect(await r([{ type: 'ownerManager' }], deal)).toEqual([u.bob]);
    // Bob heads sales himself: his manager is the head above (HQ).
    expect(await r([{ type: 'ownerManager' }], { owner_id: u.bob })).toEqual([u.ann]);
    // No department: the manager on the profile.
    expect(await r([{ type: 'ownerManager' }], { owner_id: u.dan })).toEqual([u.eve]);
    expect(await r([{ type: 'departmentHead', departmentId: sales.id }])).toEqual([u.bob]);
    expect((await r([{ type: 'role', role: 'sales_ops' }])).sort()).toEqual([u.dan, u.eve].sort());
    expect(await r([{ type: 'userField', field: 'reviewer' }], deal)).toEqual([u.dan]);
    // Together, each once, inactive members and rules about a missing record dropping out.
    expect(await r([{ type: 'owner' }, { type: 'ownerManager' }, { type: 'users', ids: [u.cat, u.gone] }], deal)).toEqual([u.cat, u.bob]);
    expect(await r([{ type: 'owner' }, { type: 'userField', field: 'reviewer' }])).toEqual([]);
    expect((await failure(r([{ type: 'everyone' } as never]))).code).toBe('VALIDATION_FAILED');
  });

  it('delivers a notification live to its recipient only, when the transaction commits', async () => {
    const ann = collector();
    const bob = collector();
    const annElsewhere = collector();
    const stops = [
      await n().subscribe(u.ann, ann.listener),
      await n().subscribe(u.bob, bob.listener),
      await other.notifications.subscribe(u.ann, annElsewhere.listener),
    ];
    await t.engine.db.transaction().execute(async (trx) => {
      await n().notify(trx, { to: [u.ann], kind: 'live', title: 'for ann' });
      await other.notifications.notify(trx, { to: [u.ann], kind: 'live', title: 'for ann, other tenant' });
      // Not before the commit.
      await new Promise((r) => setTimeout(r, 50));
      expect(ann.events).toEqual([]);
    });
    const [event] = await ann.next(1);
    expect(event).toMatchObject({ type: 'notification', notification: { title: 'for ann', kind: 'live' } });
    const [elsewhere] = await annElsewhere.next(1);
    expect(elsewhere).toMatchObject({ type: 'notification', notification: { title: 'for ann, other tenant' } });
    await n().markRead(u.ann, 'all');
    expect(await ann.next(2)).toMatchObject([{ type: 'notification' }, { type: 'read' }]);
    // A notification for Bob after all that: Bob's subscription has only it, the others nothing more.
    await n().notify(t.engine.db, { to: [u.bob], kind: 'live', title: 'for bob' });
    expect(await bob.next(1)).toMatchObject([{ type: 'notification', notification: { title: 'for bob' } }]);
    expect(ann.events).toHaveLength(2);
    expect(annElsewhere.events).toHaveLength(1);
    for (const stop of stops) stop();
    expect(t.engine.notificationHub.size).toBe(0);
  });

  it.runIf(backend === 'postgres')('delivers what another process wrote (LISTEN/NOTIFY)', async () => {
    const database = await openTestDatabase('postgres', 2);
    const worker = await Engine.attach(database);
    try {
      const cat = collector();
      const stop = await n().subscribe(u.cat, cat.listener);
      const elsewhere = await worker.tenant(t.tenant.tenant.slug);
      await database.db.transaction().execute((trx) => elsewhere.notifications.notify(trx, { to: [u.cat], kind: 'worker', title: 'from the worker' }));
      expect(await cat.next(1)).toMatchObject([{ type: 'notification', notification: { title: 'from the worker' } }]);
      stop();
    } finally {
      await database.close();
    }
  });
});
