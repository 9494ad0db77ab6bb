import { randomBytes } from 'node:crypto';
import type { AutomationInput } from '@tangram/metadata';
import { queryTargetLimit } from '@tangram/metadata';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { Engine, type TenantEngine } from '../engine';
import { ManualClock } from '../jobs/clock';
import { backends, openTestDatabase } from '../testing/databases';

// Values read from other records (`aggregate`) and query targets, through the engine: every op,
// `$record` / `$target` / `$previous` bound, before save inside the write's transaction, after
// commit through the pipeline (history says via the automation), the 500-record cap, one tenant.

const choice = (...keys: string[]) => ({ options: keys.map((key) => ({ key })) });
const won = { '==': [{ var: 'stage' }, 'won'] };
const ofTarget = { and: [{ '==': [{ var: 'team' }, { var: '$target.id' }] }, won] };

const app = (): { objects: unknown[]; automations: AutomationInput[] } => ({
  objects: [
    {
      name: 'team',
      fields: [
        { name: 'name', type: 'text', required: true },
        { name: 'region', type: 'text' },
        { name: 'total', type: 'decimal' },
        { name: 'deals', type: 'integer' },
        { name: 'average', type: 'decimal' },
        { name: 'smallest', type: 'decimal' },
        { name: 'largest', type: 'decimal' },
        { name: 'top_deal', type: 'text' },
        { name: 'since', type: 'date' },
      ],
    },
    {
      name: 'deal',
      fields: [
        { name: 'title', type: 'text', required: true },
        { name: 'amount', type: 'decimal' },
        { name: 'stage', type: 'select', options: choice('new', 'won') },
        { name: 'team', type: 'lookup', options: { target: 'team' } },
        { name: 'seq', type: 'integer' },
        { name: 'rank', type: 'integer' },
        { name: 'team_since', type: 'date' },
      ],
    },
    {
      name: 'card',
      fields: [
        { name: 'region', type: 'text' },
        { name: 'peers', type: 'integer' },
      ],
    },
  ],
  automations: [
    {
      name: 'team_totals',
      object: 'deal',
      trigger: { kind: 'field.changed', fields: ['amount', 'stage', 'team'] },
      actions: [
        {
          id: 'recount',
          kind: 'updateRecord',
          // The team it is in, and the team it was in.
          target: {
            kind: 'query',
            object: 'team',
            filter: { or: [{ '==': [{ var: 'id' }, { var: '$record.team' }] }, { '==': [{ var: 'id' }, { var: '$previous.team' }] }] },
          },
          values: [
            { field: 'total', aggregate: { object: 'deal', op: 'sum', field: 'amount', filter: ofTarget } },
            { field: 'deals', aggregate: { object: 'deal', op: 'count', filter: ofTarget } },
            { field: 'average', aggregate: { object: 'deal', op: 'avg', field: 'amount', filter: ofTarget } },
            { field: 'smallest', aggregate: { object: 'deal', op: 'min', field: 'amount', filter: ofTarget } },
            { field: 'largest', aggregate: { object: 'deal', op: 'max', field: 'amount', filter: ofTarget } },
            {
              field: 'top_deal',
              aggregate: {
                object: 'deal',
                op: 'first',
                field: 'title',
                filter: ofTarget,
                sort: [
                  { field: 'amount', direction: 'desc' },
                  { field: 'title', direction: 'asc' },
                ],
              },
            },
          ],
        },
      ],
    },
    {
      name: 'deal_rank',
      object: 'deal',
      trigger: { kind: 'field.changed', fields: ['amount', 'stage'] },
      condition: won,
      actions: [
        {
          id: 'rank',
          kind: 'updateRecord',
          target: { kind: 'self' },
          // $target: the deal as stored when the action runs.
          values: [
            {
              field: 'rank',
              aggregate: {
                object: 'deal',
                op: 'count',
                filter: { and: [won, { '==': [{ var: 'team' }, { var: '$target.team' }] }, { '>=': [{ var: 'amount' }, { var: '$target.amount' }] }] },
              },
            },
          ],
        },
      ],
    },
    {
      name: 'deal_seq',
      object: 'deal',
      trigger: { kind: 'record.created', timing: 'beforeSave' },
      condition: { '!=': [{ var: 'team' }, null] },
      actions: [
        {
          id: 'seq',
          kind: 'setFields',
          values: [
            // The team's deals written before this one — in this transaction too.
            { field: 'seq', aggregate: { object: 'deal', op: 'count', filter: { '==': [{ var: 'team' }, { var: '$record.team' }] } } },
            { field: 'team_since', aggregate: { object: 'team', op: 'first', field: 'since', filter: { '==': [{ var: 'id' }, { var: '$target.team' }] } } },
          ],
        },
      ],
    },
    {
      name: 'region_cards',
      object: 'team',
      trigger: { kind: 'field.changed', fields: ['region'] },
      condition: { '!=': [{ var: 'region' }, null] },
      actions: [
        {
          id: 'peers',
          kind: 'updateRecord',
          target: { kind: 'query', object: 'card', filter: { '==': [{ var: 'region' }, { var: '$record.region' }] } },
          values: [{ field: 'peers', aggregate: { object: 'team', op: 'count', filter: { '==': [{ var: 'region' }, { var: '$target.region' }] } } }],
        },
      ],
    },
  ],
});

describe.each(await backends())('values from other records and query targets on %s', (backend) => {
  let database: Database;
  let engine: Engine;
  let t: TenantEngine;
  let other: TenantEngine;
  const clock = new ManualClock('2031-03-02T08:00:00Z');

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    engine = await Engine.attach(database, { revisionCheckMs: 0, clock });
    const slug = () => `q${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    t = await engine.createTenant(slug());
    other = await engine.createTenant(slug());
    await t.schema.publish(app());
    await other.schema.publish(app());
  }, 120_000);
  afterAll(async () => {
    if (backend === 'postgres')
      for (const x of [t, other]) {
        await sql`drop schema if exists ${sql.id(x.tenant.schema)} cascade`.execute(database.db);
        await database.db.withSchema('platform').deleteFrom('tenant').where('id', '=', x.tenant.id).execute();
      }
    await engine.close();
  });

  const settle = async () => {
    for (let i = 0; i < 10 && (await engine.jobs.runDue()).ran > 0; i++);
  };
  const create = (object: string, values: Record<string, unknown>, on = t) =>
    on.records.create(object, values) as Promise<Record<string, unknown> & { id: string }>;
  const team = async (id: string) => t.records.get('team', id);

  it('after commit: every op over the records a filter with $target finds; a moved record corrects the team it left; other tenants are not read', async () => {
    const [red, blue] = [await create('team', { name: 'Red' }), await create('team', { name: 'Blue' })];
    // The other tenant has a team with the same id nowhere: its deals are in its own schema.
    const foreign = await create('team', { name: 'Red elsewhere' }, other);
    await create('deal', { title: 'X', amount: 1_000_000, stage: 'won', team: foreign.id }, other);
    await create('deal', { title: 'A', amount: 100, stage: 'won', team: red.id });
    await create('deal', { title: 'B', amount: 300, stage: 'won', team: red.id });
    const c = await create('deal', { title: 'C', amount: 300, stage: 'won', team: red.id });
    await create('deal', { title: 'Open', amount: 5_000, stage: 'new', team: red.id });
    await settle();
    expect(await team(red.id)).toMatchObject({ total: 700, deals: 3, smallest: 100, largest: 300, top_deal: 'B' });
    // An average is rounded to the field's scale (decimal: 4 places by default).
    expect((await team(red.id)).average).toBe(233.3333);

    // Each deal's rank among its team's won deals when it was written (self target, $target the deal itself).
    expect((await t.records.get('deal', c.id)).rank).toBe(2);

    // C moves to Blue: both teams are recounted ($previous.team finds the one it left).
    await t.records.update('deal', c.id, { team: blue.id, amount: 50 });
    await settle();
    expect(await team(red.id)).toMatchObject({ total: 400, deals: 2, average: 200, top_deal: 'B' });
    expect(await team(blue.id)).toMatchObject({ total: 50, deals: 1, smallest: 50, largest: 50, top_deal: 'C' });

    // Nothing left: count and sum are 0, the others empty.
    await t.records.update('deal', c.id, { stage: 'new' });
    await settle();
    expect(await team(blue.id)).toMatchObject({ total: 0, deals: 0, average: null, smallest: null, largest: null, top_deal: null });

    // Written through the pipeline: the team's history says which automation changed it.
    const history = await t.records.history('team', red.id);
    expect(history.filter((e) => 'total' in e.changes).every((e) => e.via?.automation === 'team_totals')).toBe(true);
    expect(history.filter((e) => 'total' in e.changes).length).toBeGreaterThanOrEqual(2);
    const run = (await t.automations.runs('team_totals'))[0];
    expect(run?.status).toBe('succeeded');
    expect(await other.records.get('team', foreign.id)).toMatchObject({ total: 1_000_000, deals: 1 });
  });

  it('before save: reads in the write’s transaction ($record), and $target is the record being written', async () => {
    const green = await create('team', { name: 'Green', since: '2029-05-01' });
    const { created } = await t.records.bulk('deal', {
      create: [
        { title: 'G1', team: green.id },
        { title: 'G2', team: green.id },
      ],
    });
    expect(created.map((d) => d.seq)).toEqual([0, 1]);
    expect(created.map((d) => d.team_since)).toEqual(['2029-05-01', '2029-05-01']);
    const third = await create('deal', { title: 'G3', team: green.id });
    expect(third.seq).toBe(2);
    // No team: the rule's condition keeps it out.
    expect((await create('deal', { title: 'Solo' })).seq).toBeNull();
  });

  it(`a query target updates every record it finds, each with its own $target; more than ${queryTargetLimit} fails the run and updates none`, async () => {
    const region = `north-${randomBytes(2).toString('hex')}`;
    const cards = [await create('card', { region }), await create('card', { region }), await create('card', { region: 'south' })];
    await create('team', { name: 'N1', region });
    await settle();
    const peers = async () => Promise.all(cards.map(async (c) => (await t.records.get('card', c.id)).peers));
    expect(await peers()).toEqual([1, 1, null]);
    await create('team', { name: 'N2', region });
    await settle();
    expect(await peers()).toEqual([2, 2, null]);
    const updated = (await t.automations.runs('region_cards'))[0]?.actions?.[0]?.result as { updated: { object: string }[] } | undefined;
    expect(updated?.updated).toHaveLength(2);

    const huge = `huge-${randomBytes(2).toString('hex')}`;
    await t.records.bulk('card', { create: Array.from({ length: queryTargetLimit + 1 }, () => ({ region: huge })) });
    await create('team', { name: 'Huge', region: huge });
    await settle();
    const failed = (await t.automations.runs('region_cards'))[0];
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toMatch(/^AUTOMATION_TARGET_TOO_MANY/);
    const touched = await t.records.query('card', { filter: { and: [{ '==': [{ var: 'region' }, huge] }, { '!=': [{ var: 'peers' }, null] }] }, limit: 1 });
    expect(touched.records).toEqual([]);
  });
});
