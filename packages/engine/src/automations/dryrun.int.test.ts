import { randomBytes } from 'node:crypto';
import type { AutomationActionInput, AutomationInput } from '@tangram/metadata';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { Engine, type TenantEngine } from '../engine';
import { ManualClock } from '../jobs/clock';
import { backends, openTestDatabase } from '../testing/databases';
import type { DryRunAction } from './dryrun';

const day = 86_400_000;
const choice = (...keys: string[]) => ({ options: keys.map((key) => ({ key })) });

const objects = [
  {
    name: 'company',
    fields: [
      { name: 'name', type: 'text', required: true },
      { name: 'last_deal_at', type: 'datetime' },
    ],
  },
  {
    name: 'deal',
    fields: [
      { name: 'title', type: 'text', required: true },
      { name: 'amount', type: 'decimal' },
      { name: 'commission', type: 'formula', options: { resultType: 'number', scale: 2, expression: { '*': [{ var: 'amount' }, 0.1] } } },
      { name: 'at_risk', type: 'boolean' },
      { name: 'last_follow_up_at', type: 'datetime' },
      { name: 'close_date', type: 'date' },
      { name: 'stage', type: 'select', options: choice('new', 'quote', 'won') },
      { name: 'company', type: 'lookup', options: { target: 'company' } },
      { name: 'hits', type: 'integer' },
      { name: 'watcher', type: 'user' },
      { name: 'region', type: 'text' },
    ],
  },
  {
    name: 'task',
    fields: [
      { name: 'title', type: 'text', required: true },
      { name: 'deal', type: 'lookup', options: { target: 'deal' } },
    ],
  },
];

const bigDeal: AutomationInput = {
  name: 'big_deal_no_follow_up',
  label: { 'zh-CN': '大单未跟进' },
  object: 'deal',
  trigger: { kind: 'inactivity', fields: ['last_follow_up_at'], days: 7 },
  condition: { '>': [{ var: 'amount' }, 100000] },
  actions: [
    { id: 'flag', kind: 'updateRecord', target: { kind: 'self' }, values: [{ field: 'at_risk', value: true }] },
    { id: 'tell', kind: 'notify', to: [{ kind: 'owner' }], title: { 'zh-CN': '大单 7 天未跟进' } },
  ],
};

describe.each(await backends())('automation dry runs on %s', (backend) => {
  let database: Database;
  let engine: Engine;
  let t: TenantEngine;
  const clock = new ManualClock('2031-05-10T08:00:00Z');
  const users: Record<'alice' | 'bob' | 'mgr', string> = { alice: '', bob: '', mgr: '' };
  let companyId = '';
  let dealId = '';

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    engine = await Engine.attach(database, { revisionCheckMs: 0, clock });
    t = await engine.createTenant(`dry${Date.now().toString(36)}${randomBytes(3).toString('hex')}`);
    await t.schema.publish({ objects, automations: [bigDeal] });
    const suffix = randomBytes(3).toString('hex');
    for (const name of Object.keys(users) as (keyof typeof users)[]) {
      const u = await engine.identity.createUser({ email: `${name}-${suffix}@dry.test.local`, name: `${name} 同学`, password: 'dry run password' });
      await engine.identity.addMember(t.tenant, u, 'member');
      users[name] = u.id;
    }
    const sales = await t.org.createDepartment({ name: '销售部' });
    await t.org.updateDepartment(sales.id, { headId: users.mgr });
    await t.org.updateMember(users.alice, { departmentIds: [sales.id] });
    companyId = (await t.records.create('company', { name: '云栖科技' })).id;
    dealId = (
      await t.records.create('deal', {
        title: '华东大单',
        amount: 200000,
        stage: 'new',
        company: companyId,
        owner_id: users.alice,
        watcher: users.bob,
        region: 'east',
        hits: 2,
        last_follow_up_at: new Date(clock.now().getTime() - 10 * day).toISOString(),
      })
    ).id;
    await t.records.create('task', { title: '报价', deal: dealId });
    await t.records.create('task', { title: '回访', deal: dealId });
  });

  afterAll(async () => {
    if (backend === 'postgres') {
      await sql`drop schema if exists ${sql.id(t.tenant.schema)} cascade`.execute(database.db);
      await database.db.withSchema('platform').deleteFrom('tenant').where('id', '=', t.tenant.id).execute();
      await database.db.withSchema('platform').deleteFrom('user').where('email', 'like', '%@dry.test.local').execute();
    }
    await engine.close();
  });

  /** Everything a run could leave behind: records, audit, events, notifications, effects, runs, jobs. */
  async function footprint() {
    const count = async (table: string) =>
      Number((await sql<{ n: string }>`select count(*) as n from ${sql.id(t.tenant.schema, table)}`.execute(database.db)).rows[0]?.n);
    const tables = ['deal', 'task', 'company', '_audit', '_outbox', '_notification', '_automation_effect', '_automation_run', '_automation_round_robin'];
    const model = await t.model();
    const counts: Record<string, number> = {};
    for (const name of tables) counts[name] = await count(model.byName.get(name)?.table ?? name);
    const jobs = await sql<{ n: string }>`select count(*) as n from platform.job where tenant_id = ${t.tenant.id}`.execute(database.db);
    const deal = await t.records.get('deal', dealId);
    const tasks = await t.records.query('task', { sort: [{ field: 'title' }] });
    return { counts, jobs: Number(jobs.rows[0]?.n), deal, tasks: tasks.records, company: await t.records.get('company', companyId) };
  }

  let n = 0;
  const actionOf = (kind: AutomationActionInput['kind'], extra: Omit<AutomationActionInput, 'id' | 'kind'>): AutomationActionInput => ({
    id: `a${++n}_${kind.toLowerCase()}`,
    kind,
    ...extra,
  });
  // One action of every after-commit kind, each with what its dry run must say.
  const afterCommitCases: { action: AutomationActionInput; expect(a: DryRunAction): void }[] = [
    {
      action: actionOf('updateRecord', {
        target: { kind: 'self' },
        values: [
          { field: 'at_risk', value: true },
          { field: 'amount', formula: { '+': [{ var: 'amount' }, 1000] } },
        ],
      }),
      expect: (a) =>
        expect(a.updates).toEqual([
          {
            object: 'deal',
            id: dealId,
            changes: expect.arrayContaining([
              { field: 'at_risk', before: null, after: true },
              { field: 'amount', before: 200000, after: 201000 },
              // The formula field is recomputed by the pipeline.
              { field: 'commission', before: 20000, after: 20100 },
            ]),
          },
        ]),
    },
    {
      action: actionOf('updateRecord', { target: { kind: 'parent', field: 'company' }, values: [{ field: 'last_deal_at', formula: { var: '$now' } }] }),
      expect: (a) =>
        expect(a.updates).toEqual([
          { object: 'company', id: companyId, changes: [{ field: 'last_deal_at', before: null, after: '2031-05-10T08:00:00.000Z' }] },
        ]),
    },
    {
      action: actionOf('updateRecord', {
        target: { kind: 'children', object: 'task', field: 'deal' },
        values: [{ field: 'title', formula: { cat: ['跟进：', { var: 'title' }] } }],
      }),
      expect: (a) => {
        expect(a.updates).toHaveLength(2);
        for (const u of a.updates ?? []) expect(u.changes).toEqual([{ field: 'title', before: expect.any(String), after: '跟进：华东大单' }]);
      },
    },
    {
      action: actionOf('createRecord', { object: 'task', values: [{ field: 'title', formula: { cat: ['准备报价：', { var: 'title' }] } }] }),
      expect: (a) => expect(a.creates).toEqual([{ object: 'task', values: expect.objectContaining({ title: '准备报价：华东大单' }) }]),
    },
    {
      action: actionOf('addScore', { field: 'hits', amount: 5 }),
      expect: (a) => expect(a.updates?.[0]?.changes).toEqual([{ field: 'hits', before: 2, after: 7 }]),
    },
    {
      action: actionOf('assignOwner', { strategy: { kind: 'mapping', field: 'region', map: { east: '' } } }),
      expect: () => {},
    },
    {
      action: actionOf('notify', { to: [{ kind: 'owner' }, { kind: 'userField', field: 'watcher' }, { kind: 'ownerManager' }], title: '大单：请跟进' }),
      expect: (a) => {
        expect(a.recipients).toEqual([
          { id: users.alice, name: 'alice 同学' },
          { id: users.bob, name: 'bob 同学' },
          { id: users.mgr, name: 'mgr 同学' },
        ]);
        expect(a.title).toBe('大单：请跟进');
      },
    },
    {
      action: actionOf('email', { to: [{ kind: 'owner' }], subject: '大单', body: '请跟进' }),
      expect: (a) => {
        expect(a.status).toBe('skipped');
        expect(a.recipients).toEqual([{ id: users.alice, name: 'alice 同学' }]);
      },
    },
    {
      action: actionOf('webhook', { url: 'https://erp.example.com/hooks/deal', secretRef: 'erp' }),
      expect: (a) =>
        expect(a.send).toEqual({
          url: 'https://erp.example.com/hooks/deal',
          signed: true,
          body: expect.objectContaining({
            automation: 'dry_all',
            action: expect.stringMatching(/_webhook$/),
            object: 'deal',
            record: expect.objectContaining({ id: dealId }),
          }),
        }),
    },
    {
      action: actionOf('robot', { provider: 'feishu', url: 'https://open.feishu.cn/open-apis/bot/v2/hook/x', message: '大单 {title} 需要跟进' }),
      expect: (a) =>
        expect(a.send).toEqual({
          url: 'https://open.feishu.cn/open-apis/bot/v2/hook/x',
          signed: false,
          body: { msg_type: 'text', content: { text: '大单 华东大单 需要跟进' } },
        }),
    },
  ];

  it('says what each after-commit action kind would do, and writes nothing', async () => {
    // The mapping gives the deal to bob (by region).
    const assign = afterCommitCases.find((c) => c.action.kind === 'assignOwner');
    if (assign) {
      assign.action.strategy = { kind: 'mapping', field: 'region', map: { east: users.bob } };
      assign.expect = (a) => expect(a.updates?.[0]?.changes).toEqual([{ field: 'owner_id', before: users.alice, after: users.bob }]);
    }
    const before = await footprint();
    const result = await t.automations.dryRun({
      automation: { name: 'dry_all', object: 'deal', trigger: { kind: 'record.updated' }, actions: afterCommitCases.map((c) => c.action) },
      recordId: dealId,
    });
    expect(result).toMatchObject({ automation: 'dry_all', object: 'deal', recordId: dealId, wouldRun: true, trigger: { applies: true, reason: 'onWrite' } });
    expect(result.actions.map((a) => a.kind)).toEqual(afterCommitCases.map((c) => c.action.kind));
    for (const [i, c] of afterCommitCases.entries()) {
      const a = result.actions[i] as DryRunAction;
      expect(a.error, `${c.action.kind}: ${a.error}`).toBeUndefined();
      c.expect(a);
    }
    expect(await footprint()).toEqual(before);
  });

  it('before-save actions: the values it would set, the refusal it would give', async () => {
    const result = await t.automations.dryRun({
      automation: {
        name: 'dry_before',
        object: 'deal',
        trigger: { kind: 'record.updated', timing: 'beforeSave' },
        actions: [
          { id: 'set', kind: 'setFields', values: [{ field: 'region', formula: { cat: [{ var: 'region' }, '-vip'] } }] },
          { id: 'no', kind: 'refuse', message: { 'zh-CN': '大单不可修改' } },
        ],
      },
      recordId: dealId,
    });
    expect(result.actions).toEqual([
      {
        id: 'set',
        kind: 'setFields',
        status: 'would',
        updates: [{ object: 'deal', id: dealId, changes: [{ field: 'region', before: 'east', after: 'east-vip' }] }],
      },
      { id: 'no', kind: 'refuse', status: 'would', refuse: '大单不可修改' },
    ]);
  });

  it('a published inactivity rule by id: due by the clock, condition holds, flags the deal and notifies the owner', async () => {
    const before = await footprint();
    const result = await t.automations.dryRun({ id: 'big_deal_no_follow_up', recordId: dealId });
    expect(result.trigger).toEqual({ kind: 'inactivity', applies: true, reason: 'inactive', at: '2031-05-07T08:00:00.000Z' });
    expect(result.condition).toEqual({ holds: true });
    expect(result.wouldRun).toBe(true);
    expect(result.actions).toEqual([
      {
        id: 'flag',
        kind: 'updateRecord',
        status: 'would',
        updates: [{ object: 'deal', id: dealId, changes: [{ field: 'at_risk', before: null, after: true }] }],
        creates: [],
      },
      { id: 'tell', kind: 'notify', status: 'would', recipients: [{ id: users.alice, name: 'alice 同学' }], title: '大单 7 天未跟进', body: null },
    ]);
    expect(await footprint()).toEqual(before);
  });

  it('time triggers by the clock: not yet due, then due', async () => {
    const def = (trigger: AutomationInput['trigger']) => ({
      automation: { name: 'dry_time', object: 'deal', trigger, actions: [{ id: 'n', kind: 'notify', to: [{ kind: 'owner' }], title: 't' }] },
      recordId: dealId,
    });
    // Followed up 10 days ago: a 14-day wait is not over.
    expect((await t.automations.dryRun(def({ kind: 'inactivity', fields: ['last_follow_up_at'], days: 14 }))).trigger).toMatchObject({
      applies: false,
      reason: 'active',
    });
    expect(
      (await t.automations.dryRun(def({ kind: 'date.relative', field: 'close_date', offset: { amount: 3, unit: 'days' }, direction: 'before' }))).trigger,
    ).toEqual({
      kind: 'date.relative',
      applies: false,
      reason: 'noDate',
    });
    expect((await t.automations.dryRun(def({ kind: 'schedule', cron: '0 9 * * 1', timeZone: 'Asia/Shanghai' }))).trigger).toMatchObject({
      applies: true,
      reason: 'onSchedule',
    });
    expect((await t.automations.dryRun(def({ kind: 'field.changed', fields: ['stage'], to: 'won' }))).trigger).toMatchObject({
      applies: false,
      reason: 'valueDiffers',
    });
    expect((await t.automations.dryRun(def({ kind: 'field.changed', fields: ['stage'], to: 'new' }))).trigger).toMatchObject({
      applies: true,
      reason: 'valueMatches',
    });
  });

  it('a condition that does not hold: the run would not happen (the actions are still shown)', async () => {
    const result = await t.automations.dryRun({
      automation: { ...bigDeal, name: 'dry_small', condition: { '>': [{ var: 'amount' }, 500000] } },
      recordId: dealId,
    });
    expect(result.condition).toEqual({ holds: false });
    expect(result.wouldRun).toBe(false);
    expect(result.actions).toHaveLength(2);
  });

  it('an action that would fail says why, and the actions after it still plan', async () => {
    const result = await t.automations.dryRun({
      automation: {
        name: 'dry_fail',
        object: 'deal',
        trigger: { kind: 'record.updated' },
        actions: [
          { id: 'bad', kind: 'createRecord', object: 'task', values: [{ field: 'title', value: null }] },
          { id: 'good', kind: 'addScore', field: 'hits', amount: 1 },
        ],
      },
      recordId: dealId,
    });
    expect(result.actions[0]).toMatchObject({ id: 'bad', status: 'failed', error: expect.stringMatching(/^RECORD_INVALID/) });
    expect(result.actions[1]).toMatchObject({ id: 'good', status: 'would', updates: [{ changes: [{ field: 'hits', before: 2, after: 3 }] }] });
  });

  it('refuses a definition that does not resolve, naming the path under /automation', async () => {
    const err = await t.automations
      .dryRun({
        automation: { name: 'dry_bad', object: 'deal', trigger: { kind: 'inactivity', fields: ['nope'], days: 7 }, actions: bigDeal.actions },
        recordId: dealId,
      })
      .catch((e) => e);
    expect(err.code).toBe('METADATA_INVALID');
    expect(err.details.problems).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/automation/trigger/fields/0' })]));
  });

  it('stable codes: an unknown automation, neither definition nor id, a record that does not exist', async () => {
    await expect(t.automations.dryRun({ id: 'nope', recordId: dealId })).rejects.toMatchObject({ code: 'AUTOMATION_NOT_FOUND' });
    await expect(t.automations.dryRun({ recordId: dealId })).rejects.toMatchObject({ code: 'AUTOMATION_DRY_RUN_INVALID' });
    await expect(t.automations.dryRun({ id: 'big_deal_no_follow_up', automation: bigDeal, recordId: dealId })).rejects.toMatchObject({
      code: 'AUTOMATION_DRY_RUN_INVALID',
    });
    await expect(t.automations.dryRun({ id: 'big_deal_no_follow_up', recordId: '01890000-0000-7000-8000-000000000000' })).rejects.toMatchObject({
      code: 'RECORD_NOT_FOUND',
    });
  });
});
