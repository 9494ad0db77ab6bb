import { randomBytes } from 'node:crypto';
import type { AutomationInput } from '@tangram/metadata';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { Engine, type TenantEngine } from '../engine';
import { ManualClock } from '../jobs/clock';
import { backends, openTestDatabase } from '../testing/databases';
import { failure } from '../testing/engine';
import { StatementCounter as Counter } from '../testing/statements';

// Lookup paths (`{"var": "account.level"}`) in automation conditions and formulas, end to end:
// before save, after commit, in sweeps and in the dry run; what is loaded, and how often.

const choice = (...keys: string[]) => ({ options: keys.map((key) => ({ key })) });
const tag = () => randomBytes(3).toString('hex');

const item = (name: string) => ({
  name,
  fields: [
    { name: 'title', type: 'text' },
    { name: 'note', type: 'text' },
    { name: 'account', type: 'lookup', options: { target: 'account' } },
  ],
});

const objects = [
  { name: 'region', fields: [{ name: 'name', type: 'text', required: true }] },
  {
    name: 'policy',
    fields: [
      { name: 'name', type: 'text' },
      { name: 'minutes', type: 'integer' },
    ],
  },
  {
    name: 'account',
    fields: [
      { name: 'name', type: 'text', required: true },
      { name: 'level', type: 'select', options: choice('A', 'B') },
      { name: 'region', type: 'lookup', options: { target: 'region', onDelete: 'setNull' } },
      { name: 'manager', type: 'user' },
      { name: 'default_policy', type: 'lookup', options: { target: 'policy' } },
    ],
  },
  {
    name: 'ticket',
    fields: [
      { name: 'subject', type: 'text' },
      { name: 'account', type: 'lookup', options: { target: 'account', onDelete: 'setNull' } },
      { name: 'policy', type: 'lookup', options: { target: 'policy' } },
      { name: 'due', type: 'datetime' },
      { name: 'note', type: 'text' },
      { name: 'region_note', type: 'text' },
      { name: 'flagged', type: 'boolean' },
    ],
  },
  { name: 'task', fields: [{ name: 'title', type: 'text', required: true }] },
  item('bare_item'),
  item('plain_item'),
  item('looked_item'),
];

const automations: AutomationInput[] = [
  {
    // Runs first: fills the policy from the account's default (a lookup of a lookup's value).
    name: 'ticket_policy',
    object: 'ticket',
    trigger: { kind: 'record.created', timing: 'beforeSave' },
    condition: { '==': [{ var: 'policy' }, null] },
    actions: [{ id: 'fill', kind: 'setFields', values: [{ field: 'policy', formula: { var: 'account.default_policy' } }] }],
  },
  {
    // Reads the policy the rule before it set, in the same save.
    name: 'ticket_due',
    object: 'ticket',
    trigger: { kind: 'record.created', timing: 'beforeSave' },
    condition: { '==': [{ var: 'due' }, null] },
    actions: [
      {
        id: 'due',
        kind: 'setFields',
        values: [
          { field: 'due', formula: { addMinutes: [{ var: '$now' }, { if: [{ '==': [{ var: 'policy.minutes' }, null] }, 60, { var: 'policy.minutes' }] }] } },
        ],
      },
    ],
  },
  {
    name: 'ticket_blocked_region',
    object: 'ticket',
    trigger: { kind: 'record.created', timing: 'beforeSave' },
    condition: { '==': [{ var: 'account.region.name' }, 'Blocked'] },
    actions: [{ id: 'no', kind: 'refuse', message: { en: 'this region takes no tickets' } }],
  },
  {
    name: 'ticket_a_level',
    object: 'ticket',
    trigger: { kind: 'record.created' },
    condition: { '==': [{ var: 'account.level' }, 'A'] },
    actions: [
      {
        id: 'note',
        kind: 'updateRecord',
        target: { kind: 'self' },
        values: [{ field: 'note', formula: { cat: ['A account in ', { var: 'account.region.name' }] } }],
      },
      {
        id: 'call',
        kind: 'createRecord',
        object: 'task',
        values: [{ field: 'title', formula: { cat: ['Call ', { var: 'account.manager.name' }, ' about ', { var: 'subject' }] } }],
      },
    ],
  },
  {
    name: 'ticket_region_note',
    object: 'ticket',
    trigger: { kind: 'field.changed', fields: ['subject'] },
    actions: [
      {
        id: 'note',
        kind: 'updateRecord',
        target: { kind: 'self' },
        values: [{ field: 'region_note', formula: { if: [{ '==': [{ var: 'account.region.name' }, null] }, 'no region', { var: 'account.region.name' }] } }],
      },
    ],
  },
  {
    name: 'ticket_overdue_a',
    object: 'ticket',
    trigger: { kind: 'date.relative', field: 'due', offset: { amount: 0, unit: 'minutes' }, direction: 'after' },
    condition: { and: [{ '==': [{ var: 'account.level' }, 'A'] }, { '!=': [{ var: 'subject' }, null] }] },
    actions: [{ id: 'flag', kind: 'updateRecord', target: { kind: 'self' }, values: [{ field: 'flagged', value: true }] }],
  },
  {
    name: 'plain_rule',
    object: 'plain_item',
    trigger: { kind: 'record.created', timing: 'beforeSave' },
    condition: { '!=': [{ var: 'account' }, null] },
    actions: [{ id: 'set', kind: 'setFields', values: [{ field: 'note', formula: { cat: ['of ', { var: 'account' }] } }] }],
  },
  {
    name: 'looked_rule',
    object: 'looked_item',
    trigger: { kind: 'record.created', timing: 'beforeSave' },
    condition: { '!=': [{ var: 'account' }, null] },
    actions: [{ id: 'set', kind: 'setFields', values: [{ field: 'note', formula: { cat: ['of ', { var: 'account.name' }] } }] }],
  },
];

describe.each(await backends())('lookup paths in automations on %s', (backend) => {
  let database: Database;
  let engine: Engine;
  let t: TenantEngine;
  const clock = new ManualClock('2031-04-01T08:00:00Z');
  const counter = new Counter();
  let manager = '';
  const table = async (object: string) => (await t.model()).byName.get(object)?.table as string;
  const create = (object: string, values: Record<string, unknown>) => t.records.create(object, values) as Promise<Record<string, unknown> & { id: string }>;
  const get = (object: string, id: string) => t.records.get(object, id);
  const settle = async () => {
    for (let i = 0; i < 10 && (await engine.jobs.runDue()).ran > 0; i++);
  };

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    database.db = database.db.withPlugin(counter);
    engine = await Engine.attach(database, { revisionCheckMs: 0, clock });
    t = await engine.createTenant(`look${Date.now().toString(36)}${tag()}`);
    await t.schema.publish({ objects, automations });
    const u = await engine.identity.createUser({ email: `mgr.${tag()}@lookups.test`, name: 'Wang Fang', password: 'long enough pw 1' });
    await engine.identity.addMember(t.tenant, u, 'member');
    manager = u.id;
    await engine.automations.sweep(t); // arms the time rule
  }, 120_000);
  afterAll(async () => {
    if (backend === 'postgres') {
      await sql`drop schema if exists ${sql.id(t.tenant.schema)} cascade`.execute(database.db);
      await database.db.withSchema('platform').deleteFrom('tenant').where('id', '=', t.tenant.id).execute();
    }
    await engine.close();
  });

  const account = async (extra: Record<string, unknown> = {}) => create('account', { name: `Acct ${tag()}`, ...extra });

  it('before save: a rule reads the policy an earlier rule of the same save filled in through the account; no policy falls back', async () => {
    const quick = await create('policy', { name: 'quick', minutes: 15 });
    const withPolicy = await account({ default_policy: quick.id });
    const now = clock.now().getTime();
    const a = await create('ticket', { subject: 'one', account: withPolicy.id });
    expect(a).toMatchObject({ policy: quick.id, due: new Date(now + 15 * 60_000).toISOString() });
    const b = await create('ticket', { subject: 'two', account: (await account()).id });
    expect(b).toMatchObject({ policy: null, due: new Date(now + 60 * 60_000).toISOString() });
    const c = await create('ticket', { subject: 'three' });
    expect(c.due).toBe(new Date(now + 60 * 60_000).toISOString());
  });

  it('before save: a condition follows two lookups and refuses the write', async () => {
    const blocked = await create('region', { name: 'Blocked' });
    const acct = await account({ region: blocked.id });
    const err = await failure(create('ticket', { subject: 'no', account: acct.id }));
    expect(err.code).toBe('AUTOMATION_REFUSED');
    expect(err.details.automation).toBe('ticket_blocked_region');
  });

  it('after commit: the condition reads the account’s level; the formulas of updateRecord and createRecord read a chain and a user', async () => {
    const east = await create('region', { name: 'East' });
    const a = await account({ level: 'A', region: east.id, manager });
    const b = await account({ level: 'B', region: east.id, manager });
    const ta = await create('ticket', { subject: `A-${tag()}`, account: a.id });
    const tb = await create('ticket', { subject: `B-${tag()}`, account: b.id });
    await settle();
    expect((await get('ticket', ta.id)).note).toBe('A account in East');
    expect((await get('ticket', tb.id)).note).toBeNull();
    const tasks = await t.records.query('task', { filter: { '==': [{ var: 'title' }, `Call Wang Fang about ${ta.subject}`] } });
    expect(tasks.records).toHaveLength(1);
    expect((await t.automations.runs('ticket_a_level')).map((r) => r.recordId)).toEqual([ta.id]);
  });

  it('a missing or deleted target reads as null, also in the middle of a chain', async () => {
    const gone = await create('region', { name: 'Gone' });
    const kept = await create('region', { name: 'Kept' });
    const [noRegion, goneRegion, keptRegion] = [await account(), await account({ region: gone.id }), await account({ region: kept.id })];
    const tickets = [
      await create('ticket', { subject: 'x' }),
      ...(await Promise.all([noRegion, goneRegion, keptRegion].map((a) => create('ticket', { subject: 'x', account: a.id })))),
    ];
    await settle();
    await t.records.delete('region', gone.id);
    // A deletion goes to the recycle bin: the account still holds the id of a record that reads as gone.
    expect((await get('account', goneRegion.id)).region).toBe(gone.id);
    for (const tk of tickets) await t.records.update('ticket', tk.id, { subject: 'y' });
    await settle();
    const notes = await Promise.all(tickets.map(async (tk) => (await get('ticket', tk.id)).region_note));
    expect(notes).toEqual(['no region', 'no region', 'no region', 'Kept']);
  });

  it('a sweep’s condition reads a lookup path in memory (the date range still narrows the query)', async () => {
    const a = await account({ level: 'A' });
    const b = await account({ level: 'B' });
    const due = new Date(clock.now().getTime() + 10 * 60_000).toISOString();
    const ta = await create('ticket', { subject: 'late A', account: a.id, due });
    const tb = await create('ticket', { subject: 'late B', account: b.id, due });
    await settle();
    clock.advance(11 * 60_000);
    await engine.automations.sweep(t);
    await settle();
    expect((await get('ticket', ta.id)).flagged).toBe(true);
    expect((await get('ticket', tb.id)).flagged).toBeNull();
  });

  it('the dry run reads the same lookups as a run', async () => {
    const north = await create('region', { name: 'North' });
    const a = await account({ level: 'A', region: north.id, manager });
    const tk = await create('ticket', { subject: 'dry', account: a.id });
    const result = await t.automations.dryRun({ id: 'ticket_a_level', recordId: tk.id });
    expect(result.condition).toEqual({ holds: true });
    expect(result.actions[0]?.updates?.[0]?.changes).toContainEqual({ field: 'note', before: null, after: 'A account in North' });
    expect(result.actions[1]?.creates?.[0]?.values).toMatchObject({ title: 'Call Wang Fang about dry' });
    const other = await create('ticket', { subject: 'dry B', account: (await account({ level: 'B' })).id });
    expect((await t.automations.dryRun({ id: 'ticket_a_level', recordId: other.id })).condition).toEqual({ holds: false });
  });

  it('a rule without lookup paths makes no query for them; a rule with one makes one per lookup', async () => {
    const acct = await account();
    const accounts = await table('account');
    const bare = await counter.during(accounts, () => create('bare_item', { title: 'b', account: acct.id }));
    const plain = await counter.during(accounts, () => create('plain_item', { title: 'p', account: acct.id }));
    const looked = await counter.during(accounts, () => create('looked_item', { title: 'l', account: acct.id }));
    expect(plain).toEqual(bare);
    expect(looked).toEqual({ total: bare.total + 1, selects: bare.selects + 1 });
    const [p] = (await t.records.query('looked_item', {})).records;
    expect(p?.note).toBe(`of ${acct.name}`);
  });

  it('the dispatcher loads a batch’s lookups once per lookup, not per event', async () => {
    const accounts = await table('account');
    const a = await account({ level: 'A' });
    await settle();
    for (let i = 0; i < 5; i++) await create('ticket', { subject: `batch ${i}`, account: a.id });
    // ticket_a_level's condition (account.level), dispatched as one batch: one select of accounts;
    // each of the five runs then reads account.region.name and account.manager.name (one select each).
    const n = await counter.during(accounts, () => engine.automations.dispatch(t, 'test'));
    expect(n.selects).toBe(1);
  });
});
