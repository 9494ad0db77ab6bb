import { randomBytes } from 'node:crypto';
import { AppError } from '@tangram/errors';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { Engine, type TenantEngine } from '../engine';
import { ManualClock } from '../jobs/clock';
import { runAfterCommit } from '../records/behaviours';
import { backends, openTestDatabase } from '../testing/databases';
import { flows, installWorkflows, workflowOf } from './fixtures';
import { workflowsOf } from './lock';
import type { Process } from './process';

// The record lock, over every write path: while an instance runs (or is returned to its
// submitter) a record changes only in the fields the open step lets its assignee edit (or by its
// submitter once returned to them); it cannot be deleted; its detail lines are locked with it.
// A property test draws (the instance's state, the write path, the field, who writes) and checks
// the outcome against that rule: a refused write is WORKFLOW_RECORD_LOCKED and changes nothing.

type State = 'none' | 'running' | 'returned' | 'approved';
type Actor = 'rep' | 'manager' | 'other' | 'system';
type Field = 'title' | 'discount' | 'finance_note';
const states: State[] = ['none', 'running', 'returned', 'approved'];
const actors: Actor[] = ['rep', 'manager', 'other', 'system'];
const fields: Field[] = ['title', 'discount', 'finance_note'];

/** What the lock lets through: every field, or those named. */
function allowed(state: State, actor: Actor): 'all' | Set<string> {
  if (state === 'none' || state === 'approved') return 'all';
  if (state === 'returned') return actor === 'rep' ? 'all' : new Set();
  return actor === 'manager' ? new Set(['finance_note']) : new Set();
}
const may = (state: State, actor: Actor, field: string) => {
  const a = allowed(state, actor);
  return a === 'all' || a.has(field);
};

const app = {
  objects: [
    {
      name: 'quote',
      fields: [
        { name: 'title', type: 'text', required: true },
        { name: 'discount', type: 'decimal' },
        { name: 'finance_note', type: 'text' },
        { name: 'status', type: 'select', defaultValue: 'draft', options: { options: [{ key: 'draft' }, { key: 'pending' }, { key: 'approved' }] } },
      ],
    },
    {
      name: 'quote_line',
      fields: [
        { name: 'item', type: 'text' },
        { name: 'quote', type: 'masterdetail', options: { target: 'quote', detailName: 'lines' } },
      ],
    },
    {
      name: 'note',
      fields: [
        { name: 'text', type: 'text' },
        { name: 'quote', type: 'lookup', options: { target: 'quote' } },
      ],
    },
  ],
  recordActions: (['title', 'discount', 'finance_note'] as const).map((f) => ({
    name: `set_${f}`,
    object: 'quote',
    input: [{ name: 'v', type: f === 'discount' ? 'decimal' : 'text' }],
    actions: [{ id: 'set', kind: 'updateRecord', target: { kind: 'self' }, values: [{ field: f, formula: { var: '$input.v' } }] }],
  })),
  automations: [
    {
      name: 'note_to_quote',
      object: 'note',
      trigger: { kind: 'record.created' },
      actions: [
        { id: 'copy', kind: 'updateRecord', target: { kind: 'parent', field: 'quote' }, values: [{ field: 'finance_note', formula: { var: 'text' } }] },
      ],
    },
  ],
};

describe.each(await backends())('the record lock on %s', (backend) => {
  let database: Database;
  let engine: Engine;
  let t: TenantEngine;
  const clock = new ManualClock('2031-06-02T01:00:00Z');
  const people: Record<Exclude<Actor, 'system'>, string> = { rep: '', manager: '', other: '' };
  const ctxOf = (a: Actor) => ({ actor: a === 'system' ? null : people[a] });
  let n = 0;
  const fresh = () => `v${++n}${randomBytes(2).toString('hex')}`;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    engine = await Engine.attach(database, { revisionCheckMs: 0, clock });
    t = await engine.createTenant(`wl${Date.now().toString(36)}${randomBytes(3).toString('hex')}`);
    const suffix = randomBytes(3).toString('hex');
    for (const name of Object.keys(people) as (keyof typeof people)[]) {
      const u = await engine.identity.createUser({ email: `${name}-${suffix}@wflock.test.local`, name, password: 'workflow test password' });
      await engine.identity.addMember(t.tenant, u, 'member');
      people[name] = u.id;
    }
    await t.schema.publish(app);
    const om = (await t.model()).byName.get('quote') as Parameters<typeof workflowOf>[0];
    const p: Process = {
      id: 'review',
      nodes: [
        { id: 'start', kind: 'start' },
        { id: 'end', kind: 'end' },
        {
          id: 'a',
          kind: 'userTask',
          mode: 'any',
          approvers: [{ kind: 'users', users: [people.manager] }],
          onReject: 'submitter',
          fields: { finance_note: 'edit' },
        },
      ],
      flows: flows(['start -> a -> end']),
    };
    await installWorkflows(t, [workflowOf(om, p, { statusField: 'status', statusValues: { running: 'pending', approved: 'approved', returned: 'draft' } })]);
  });

  afterAll(async () => {
    if (backend === 'postgres') {
      await sql`drop schema if exists ${sql.id(t.tenant.schema)} cascade`.execute(database.db);
      await database.db.withSchema('platform').deleteFrom('tenant').where('id', '=', t.tenant.id).execute();
      await database.db.withSchema('platform').deleteFrom('user').where('email', 'like', '%@wflock.test.local').execute();
    }
    await engine.close();
  });

  /** A quote (its title changed once: version 2) with a line, and an instance in `state`. */
  async function recordIn(state: State): Promise<{ quote: string; line: string }> {
    const quote = (await t.records.create('quote', { title: 'first', discount: 5, owner_id: people.rep })).id as string;
    await t.records.update('quote', quote, { title: 'second' });
    const line = (await t.records.create('quote_line', { item: 'l1', quote })).id as string;
    if (state === 'none') return { quote, line };
    const v = await engine.workflows.start(t, { workflow: 'review', recordId: quote, submitter: people.rep });
    const task = v.tasks.find((x) => x.status === 'open')?.id as string;
    if (state === 'returned') await engine.workflows.act(t, v.id, { kind: 'reject', task, by: people.manager });
    if (state === 'approved') await engine.workflows.act(t, v.id, { kind: 'approve', task, by: people.manager });
    return { quote, line };
  }

  const valueFor = (f: Field): string | number => (f === 'discount' ? 10 + (++n % 50) : fresh());

  /** Each write path: what it writes (a field, or the whole record), and how. */
  const paths: Record<
    string,
    { field: (f: Field) => string | 'delete'; run(ids: { quote: string; line: string }, f: Field, v: string | number, a: Actor): Promise<unknown> }
  > = {
    update: { field: (f) => f, run: (ids, f, v, a) => t.records.update('quote', ids.quote, { [f]: v }, {}, ctxOf(a)) },
    bulkUpdate: { field: (f) => f, run: (ids, f, v, a) => t.records.bulkUpdate('quote', [{ id: ids.quote, values: { [f]: v } }], ctxOf(a)) },
    'bulk.update': { field: (f) => f, run: (ids, f, v, a) => t.records.bulk('quote', { update: [{ id: ids.quote, values: { [f]: v } }] }, ctxOf(a)) },
    within: {
      field: (f) => f,
      run: async (ids, f, v, a) => {
        const model = await t.model();
        const hooks = await engine.db
          .transaction()
          .execute(async (trx) => (await t.records.within(trx, ctxOf(a), (w) => w.update('quote', ids.quote, { [f]: v }), { model })).afterCommit);
        await runAfterCommit(hooks);
      },
    },
    recordAction: { field: (f) => f, run: (ids, f, v, a) => t.actions.run('quote', ids.quote, `set_${f}`, { input: { v } }, ctxOf(a)) },
    revert: { field: () => 'title', run: (ids, _f, _v, a) => t.records.revert('quote', ids.quote, 1, ctxOf(a)) },
    delete: { field: () => 'delete', run: (ids, _f, _v, a) => t.records.delete('quote', ids.quote, {}, ctxOf(a)) },
    bulkDelete: { field: () => 'delete', run: (ids, _f, _v, a) => t.records.bulkDelete('quote', [ids.quote], ctxOf(a)) },
    'bulk.delete': { field: () => 'delete', run: (ids, _f, _v, a) => t.records.bulk('quote', { delete: [ids.quote] }, ctxOf(a)) },
    'lines via the master': {
      field: () => 'lines',
      run: (ids, _f, v, a) => t.records.update('quote', ids.quote, { lines: [{ item: String(v) }] }, {}, ctxOf(a)),
    },
    'a line directly': { field: () => 'lines', run: (ids, _f, v, a) => t.records.update('quote_line', ids.line, { item: String(v) }, {}, ctxOf(a)) },
    'a line deleted': { field: () => 'lines', run: (ids, _f, _v, a) => t.records.delete('quote_line', ids.line, {}, ctxOf(a)) },
    'a line added': { field: () => 'lines', run: (ids, _f, v, a) => t.records.create('quote_line', { item: String(v), quote: ids.quote }, ctxOf(a)) },
  };

  it('every write path obeys the lock: allowed writes land, refused ones are WORKFLOW_RECORD_LOCKED and change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...states),
        fc.constantFrom(...Object.keys(paths)),
        fc.constantFrom(...fields),
        fc.constantFrom(...actors),
        async (state, pathName, field, actor) => {
          const path = paths[pathName] as (typeof paths)[string];
          const ids = await recordIn(state);
          const written = path.field(field);
          const expectAllowed = written === 'delete' ? state === 'none' || state === 'approved' : may(state, actor, written);
          const before = await t.records.get('quote', ids.quote);
          const lineBefore = await t.records.get('quote_line', ids.line);
          const v = valueFor(field);
          let error: unknown;
          try {
            await path.run(ids, field, v, actor);
          } catch (e) {
            error = e;
          }
          if (expectAllowed) {
            expect(error, `${state} ${pathName} ${field} by ${actor}`).toBeUndefined();
            if (written === 'delete') expect((await t.records.get('quote', ids.quote, { deleted: true })).deleted_at).not.toBeNull();
            else if (written !== 'lines' && pathName !== 'revert')
              expect(String((await t.records.get('quote', ids.quote))[field]).replace(/\.0+$/, '')).toBe(String(v));
          } else {
            expect(error instanceof AppError ? error.code : error, `${state} ${pathName} ${field} by ${actor}`).toBe('WORKFLOW_RECORD_LOCKED');
            expect(await t.records.get('quote', ids.quote)).toEqual(before);
            expect(await t.records.get('quote_line', ids.line)).toEqual(lineBefore);
          }
        },
      ),
      { numRuns: backend === 'pglite' ? 40 : 60 },
    );
  });

  it('the process’s own writes, the fields the step marks edit, and ownership changes pass; the refusal names the field', async () => {
    const ids = await recordIn('running');
    const e = await t.records.update('quote', ids.quote, { discount: 99, finance_note: 'ok' }, {}, ctxOf('manager')).catch((x: AppError) => x);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).details.problems).toEqual([expect.objectContaining({ code: 'WORKFLOW_RECORD_LOCKED', field: 'discount', path: '/discount' })]);
    // A form sending the whole record changes only what differs.
    const record = await t.records.get('quote', ids.quote);
    await t.records.update('quote', ids.quote, { title: record.title, discount: record.discount, finance_note: 'edited' }, {}, ctxOf('manager'));
    expect((await t.records.get('quote', ids.quote)).finance_note).toBe('edited');
    // Handing the record to another owner is not an edit of its fields.
    await t.records.transfer('quote', { ids: [ids.quote], to: people.other });
    expect((await t.records.get('quote', ids.quote)).owner_id).toBe(people.other);
  });

  it('an after-commit automation cannot change a locked record: its run fails with the code, the record is unchanged', async () => {
    const ids = await recordIn('running');
    await engine.jobs.runDue();
    const before = await t.records.get('quote', ids.quote);
    await t.records.create('note', { text: 'from a note', quote: ids.quote });
    await engine.jobs.runDue();
    await engine.jobs.runDue();
    expect(await t.records.get('quote', ids.quote)).toEqual(before);
    const [run] = await t.automations.runs('note_to_quote');
    expect(JSON.stringify(run)).toContain('WORKFLOW_RECORD_LOCKED');
    // Unlocked, the same automation lands.
    const free = await recordIn('approved');
    await t.records.create('note', { text: 'later', quote: free.quote });
    await engine.jobs.runDue();
    await engine.jobs.runDue();
    expect((await t.records.get('quote', free.quote)).finance_note).toBe('later');
  });

  it('objects without workflows pay nothing: no entry in the per-model table', async () => {
    const model = await t.model();
    expect(workflowsOf(model, model.byName.get('note') as never)).toEqual({ workflows: [], masters: [] });
    expect(workflowsOf(model, model.byName.get('quote_line') as never).masters.map((m) => m.detail)).toEqual(['lines']);
    expect(workflowsOf(model, model.byName.get('quote') as never).workflows.map((w) => w.name)).toEqual(['review']);
  });
});
