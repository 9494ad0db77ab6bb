import { randomBytes } from 'node:crypto';
import type { AppError } from '@tangram/errors';
import type { Workflow } from '@tangram/metadata';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { Engine, type TenantEngine } from '../engine';
import { ManualClock } from '../jobs/clock';
import { backends, openTestDatabase } from '../testing/databases';
import { flows, installWorkflows, workflowOf } from './fixtures';
import type { Process } from './process';

// Start triggers: start.onCreate (optionally with `when`) and start.when alone (on create, or an
// update that makes it true), in the record write's transaction — the record is never visible
// unlocked, and a start that cannot open its first step refuses the write.

describe.each(await backends())('workflow start triggers on %s', (backend) => {
  let database: Database;
  let engine: Engine;
  let t: TenantEngine;
  const clock = new ManualClock('2031-06-02T01:00:00Z');
  const people = { rep: '', manager: '' };

  const instancesOf = async (record: string) =>
    (
      await sql<{ workflow: string; status: string; submitter: string }>`select workflow, status, submitter from ${sql.id(t.tenant.schema, '_wf_instance')}
        where record_id = ${record} order by created_at`.execute(database.db)
    ).rows;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    engine = await Engine.attach(database, { revisionCheckMs: 0, clock });
    t = await engine.createTenant(`wt${Date.now().toString(36)}${randomBytes(3).toString('hex')}`);
    const suffix = randomBytes(3).toString('hex');
    for (const name of Object.keys(people) as (keyof typeof people)[]) {
      const u = await engine.identity.createUser({ email: `${name}-${suffix}@wftrig.test.local`, name, password: 'workflow test password' });
      await engine.identity.addMember(t.tenant, u, 'member');
      people[name] = u.id;
    }
    await t.schema.publish({
      objects: [
        {
          name: 'expense',
          fields: [
            { name: 'title', type: 'text', required: true },
            { name: 'amount', type: 'decimal' },
            { name: 'submitted', type: 'boolean' },
            { name: 'status', type: 'select', defaultValue: 'draft', options: { options: [{ key: 'draft' }, { key: 'pending' }, { key: 'done' }] } },
          ],
        },
        { name: 'leave', fields: [{ name: 'days', type: 'integer' }] },
        { name: 'refusing', fields: [{ name: 'title', type: 'text' }] },
      ],
    });
    const model = await t.model();
    const om = (name: string) => model.byName.get(name) as Parameters<typeof workflowOf>[0];
    const review = (id: string, approvers: unknown[] = [{ kind: 'users', users: [people.manager] }], more: Partial<Process> = {}): Process => ({
      id,
      nodes: [
        { id: 'start', kind: 'start' },
        { id: 'end', kind: 'end' },
        { id: 'a', kind: 'userTask', mode: 'any', approvers, whenNobody: 'refuse' },
      ],
      flows: flows(['start -> a -> end']),
      ...more,
    });
    const workflows: Workflow[] = [
      // Expenses: submitted when the flag is set (on create or by an update), big ones only.
      workflowOf(om('expense'), review('expense_review'), {
        statusField: 'status',
        statusValues: { running: 'pending', approved: 'done', returned: 'draft', withdrawn: 'draft' },
        start: { button: true, onCreate: false, when: { and: [{ '==': [{ var: 'submitted' }, true] }, { '>': [{ var: 'amount' }, 100] }] } },
      }),
      // Leave: every request is approved, from its creation.
      workflowOf(om('leave'), review('leave_review'), { start: { button: false, onCreate: true } }),
      workflowOf(om('leave'), review('leave_long'), { start: { button: false, onCreate: true, when: { '>': [{ var: 'days' }, 5] } } }),
      workflowOf(om('leave'), review('leave_off'), { enabled: false, start: { button: false, onCreate: true } }),
      // A first step nobody approves, set to refuse: the create is refused.
      workflowOf(om('refusing'), review('nobody', [{ kind: 'users', users: [] }]), { start: { button: false, onCreate: true } }),
    ];
    await installWorkflows(t, workflows);
  });

  afterAll(async () => {
    if (backend === 'postgres') {
      await sql`drop schema if exists ${sql.id(t.tenant.schema)} cascade`.execute(database.db);
      await database.db.withSchema('platform').deleteFrom('tenant').where('id', '=', t.tenant.id).execute();
      await database.db.withSchema('platform').deleteFrom('user').where('email', 'like', '%@wftrig.test.local').execute();
    }
    await engine.close();
  });

  it('onCreate starts every enabled workflow whose `when` holds, submitted by the creator; the record is locked from its first commit', async () => {
    const short = (await t.records.create('leave', { days: 2 }, { actor: people.rep })).id as string;
    expect(await instancesOf(short)).toEqual([{ workflow: 'leave_review', status: 'running', submitter: people.rep }]);
    const long = (await t.records.create('leave', { days: 9 }, { actor: people.rep })).id as string;
    expect((await instancesOf(long)).map((i) => i.workflow).sort()).toEqual(['leave_long', 'leave_review']);
    const e = await t.records.update('leave', long, { days: 1 }, {}, { actor: people.rep }).catch((x: AppError) => x);
    expect((e as AppError).code).toBe('WORKFLOW_RECORD_LOCKED');
    expect((await engine.workflows.inbox(t, people.manager, 'todo', 100)).filter((x) => x.node === 'a').length).toBeGreaterThanOrEqual(3);
  });

  it('a record created by the system is submitted by its owner; without one nothing starts', async () => {
    const owned = (await t.records.create('leave', { days: 1, owner_id: people.rep })).id as string;
    expect((await instancesOf(owned))[0]?.submitter).toBe(people.rep);
    const orphan = (await t.records.create('leave', { days: 1 })).id as string;
    expect(await instancesOf(orphan)).toEqual([]);
  });

  it('`when` starts on create when it holds, and on the update that makes it true — once while it runs, again after it ended', async () => {
    const direct = (await t.records.create('expense', { title: 'taxi', amount: 500, submitted: true }, { actor: people.rep })).id as string;
    expect(await instancesOf(direct)).toEqual([{ workflow: 'expense_review', status: 'running', submitter: people.rep }]);
    expect((await t.records.get('expense', direct)).status).toBe('pending');

    const later = (await t.records.create('expense', { title: 'hotel', amount: 800 }, { actor: people.rep })).id as string;
    expect(await instancesOf(later)).toEqual([]);
    await t.records.update('expense', later, { amount: 900 }, {}, { actor: people.rep });
    expect(await instancesOf(later)).toEqual([]);
    const updated = await t.records.update('expense', later, { submitted: true }, {}, { actor: people.rep });
    expect(updated.submitted).toBe(true);
    const [first] = await instancesOf(later);
    expect(first).toMatchObject({ status: 'running', submitter: people.rep });
    expect((await t.records.get('expense', later)).status).toBe('pending');

    // The submitter withdraws (back to draft), unticks and ticks again: a second instance.
    const id = (await sql<{ id: string }>`select id from ${sql.id(t.tenant.schema, '_wf_instance')} where record_id = ${later}`.execute(database.db)).rows[0]
      ?.id as string;
    await engine.workflows.act(t, id, { kind: 'withdraw', by: people.rep });
    await t.records.update('expense', later, { submitted: false }, {}, { actor: people.rep });
    await t.records.update('expense', later, { submitted: true }, {}, { actor: people.rep });
    expect((await instancesOf(later)).map((i) => i.status)).toEqual(['withdrawn', 'running']);
  });

  it('a small expense does not start; a disabled workflow never does', async () => {
    const small = (await t.records.create('expense', { title: 'coffee', amount: 20, submitted: true }, { actor: people.rep })).id as string;
    expect(await instancesOf(small)).toEqual([]);
    const leave = (await t.records.create('leave', { days: 1 }, { actor: people.rep })).id as string;
    expect((await instancesOf(leave)).map((i) => i.workflow)).not.toContain('leave_off');
  });

  it('a start that cannot open its first step refuses the write: no record, no instance', async () => {
    const before = (await t.records.query('refusing', {})).records.length;
    const e = await t.records.create('refusing', { title: 'x' }, { actor: people.rep }).catch((x: AppError) => x);
    expect((e as AppError).code).toBe('WORKFLOW_NO_APPROVER');
    expect((await t.records.query('refusing', {})).records.length).toBe(before);
  });
});
