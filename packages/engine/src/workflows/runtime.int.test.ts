import { randomBytes } from 'node:crypto';
import { AppError } from '@tangram/errors';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { Engine, type TenantEngine } from '../engine';
import { ManualClock } from '../jobs/clock';
import { backends, openTestDatabase } from '../testing/databases';
import type { Process } from './process';
import { timerQueue } from './runtime';

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e instanceof AppError ? e.code : String(e);
  }
  return 'no error';
};

// Process instances as rows: a quote discount approval (over 10% → the sales manager; over 20%
// → then finance, 会签, reminded after an hour) submitted, approved by the right people, refused
// to the wrong ones, its timer a job, its tasks in 待办 / 已办, its notifications written.
describe.each(await backends())('approvals persisted on %s', (backend) => {
  let database: Database;
  let engine: Engine;
  let t: TenantEngine;
  const clock = new ManualClock('2031-06-02T01:00:00Z');
  const people: Record<'rep' | 'manager' | 'f1' | 'f2' | 'admin', string> = { rep: '', manager: '', f1: '', f2: '', admin: '' };
  let quote = '';
  let process: Process;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    engine = await Engine.attach(database, { revisionCheckMs: 0, clock });
    t = await engine.createTenant(`wf${Date.now().toString(36)}${randomBytes(3).toString('hex')}`);
    const suffix = randomBytes(3).toString('hex');
    for (const name of Object.keys(people) as (keyof typeof people)[]) {
      const u = await engine.identity.createUser({ email: `${name}-${suffix}@wf.test.local`, name, password: 'workflow test password' });
      await engine.identity.addMember(t.tenant, u, name === 'admin' ? 'admin' : 'member');
      people[name] = u.id;
    }
    await t.schema.publish({
      objects: [
        {
          name: 'quote',
          fields: [
            { name: 'title', type: 'text', required: true },
            { name: 'discount', type: 'decimal' },
          ],
        },
      ],
    });
    quote = (await t.records.create('quote', { title: '华东区年度框架报价', discount: 25, owner_id: people.rep })).id;
    process = {
      id: 'quote_discount',
      nodes: [
        { id: 'start', kind: 'start' },
        { id: 'over10', kind: 'exclusive' },
        { id: 'manager', kind: 'userTask', mode: 'any', approvers: [{ type: 'users', ids: [people.manager] }] },
        { id: 'over20', kind: 'exclusive' },
        {
          id: 'finance',
          kind: 'userTask',
          mode: 'all',
          approvers: [{ type: 'users', ids: [people.f1, people.f2] }],
          timeout: { minutes: 60, action: 'remind' },
        },
        { id: 'end', kind: 'end' },
      ],
      flows: [
        { id: 'f1', from: 'start', to: 'over10' },
        { id: 'f2', from: 'over10', to: 'manager', condition: { '>': [{ var: 'discount' }, 10] } },
        { id: 'f3', from: 'over10', to: 'end', default: true },
        { id: 'f4', from: 'manager', to: 'over20' },
        { id: 'f5', from: 'over20', to: 'finance', condition: { '>': [{ var: 'discount' }, 20] } },
        { id: 'f6', from: 'over20', to: 'end', default: true },
        { id: 'f7', from: 'finance', to: 'end' },
      ],
    };
  });

  afterAll(async () => {
    if (backend === 'postgres') {
      await sql`drop schema if exists ${sql.id(t.tenant.schema)} cascade`.execute(database.db);
      await database.db.withSchema('platform').deleteFrom('tenant').where('id', '=', t.tenant.id).execute();
      await database.db.withSchema('platform').deleteFrom('user').where('email', 'like', '%@wf.test.local').execute();
    }
    await engine.close();
  });

  let instance = '';
  const taskOf = async (who: keyof typeof people) => {
    const todo = await engine.workflows.inbox(t, people[who], 'todo');
    const task = todo.find((x) => x.instance === instance)?.task;
    if (!task) throw new Error(`${who} has no open task: ${JSON.stringify(todo)}`);
    return task;
  };

  it('submitting opens the sales manager’s task, in their 待办, with a notification', async () => {
    const view = await engine.workflows.start(t, { process, object: 'quote', recordId: quote, submitter: people.rep });
    instance = view.id;
    expect(view.status).toBe('running');
    expect(view.tasks.filter((x) => x.status === 'open').map((x) => x.assignee)).toEqual([people.manager]);
    expect(await engine.workflows.inbox(t, people.manager, 'todo')).toEqual([{ instance, task: expect.any(String), node: 'manager', status: 'open' }]);
    expect(await engine.workflows.inbox(t, people.rep, 'mine')).toEqual([{ instance, status: 'running' }]);
    const note = (await t.notifications.list(people.manager)).notifications[0];
    expect(note).toMatchObject({ kind: 'workflow.task', link: { object: 'quote', recordId: quote }, source: { type: 'workflow', id: instance } });
  });

  it('the same record cannot be submitted twice while its approval runs', async () => {
    expect(await codeOf(engine.workflows.start(t, { process, object: 'quote', recordId: quote, submitter: people.rep }))).toBe('WORKFLOW_NOT_RUNNING');
  });

  it('someone else cannot approve the manager’s task, and nothing changes', async () => {
    const task = await taskOf('manager');
    const before = await engine.workflows.get(t, instance);
    expect(await codeOf(engine.workflows.act(t, instance, { kind: 'approve', task, by: people.rep }))).toBe('WORKFLOW_NOT_ASSIGNEE');
    expect(await engine.workflows.get(t, instance)).toEqual(before);
  });

  it('after the manager, 会签 opens for both finance members; one approval taken twice at once counts once', async () => {
    await engine.workflows.act(t, instance, { kind: 'approve', task: await taskOf('manager'), by: people.manager, comment: '同意' });
    const view = await engine.workflows.get(t, instance);
    expect(
      view.tasks
        .filter((x) => x.status === 'open')
        .map((x) => x.assignee)
        .sort(),
    ).toEqual([people.f1, people.f2].sort());
    expect(await engine.workflows.inbox(t, people.manager, 'done')).toEqual([{ instance, task: expect.any(String), node: 'manager', status: 'approved' }]);
    const task = await taskOf('f1');
    const both = await Promise.allSettled([0, 1].map(() => engine.workflows.act(t, instance, { kind: 'approve', task, by: people.f1 })));
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = both.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as AppError).code).toBe('WORKFLOW_TASK_CLOSED');
    expect((await engine.workflows.get(t, instance)).history.filter((h) => h.what === 'approved' && h.task === task)).toHaveLength(1);
  });

  it('an hour later the timer job reminds the finance member still to approve', async () => {
    clock.advance(61 * 60_000);
    await engine.jobs.runDue({ queues: [timerQueue] });
    const notes = (await t.notifications.list(people.f2)).notifications.map((n) => n.kind);
    expect(notes).toContain('workflow.timeout');
    expect((await engine.workflows.get(t, instance)).timers).toEqual([]);
  });

  it('the last approval ends it approved and tells the submitter', async () => {
    const view = await engine.workflows.act(t, instance, { kind: 'approve', task: await taskOf('f2'), by: people.f2 });
    expect(view.status).toBe('approved');
    expect(view.history.map((h) => h.what)).toEqual(['submitted', 'approved', 'passed', 'approved', 'timeout: remind', 'approved', 'passed', 'approved']);
    expect((await t.notifications.list(people.rep)).notifications[0]).toMatchObject({ kind: 'workflow.outcome', title: '审批有了结果：已通过' });
    expect(await engine.workflows.inbox(t, people.rep, 'mine')).toEqual([{ instance, status: 'approved' }]);
    expect(await codeOf(engine.workflows.act(t, instance, { kind: 'remind', by: people.rep }))).toBe('WORKFLOW_NOT_RUNNING');
  });

  it('a small discount passes at once; a new approval can start once the last one ended', async () => {
    const small = (await t.records.create('quote', { title: '小额报价', discount: 5, owner_id: people.rep })).id;
    expect((await engine.workflows.start(t, { process, object: 'quote', recordId: small, submitter: people.rep })).status).toBe('approved');
    expect((await engine.workflows.start(t, { process, object: 'quote', recordId: quote, submitter: people.rep })).status).toBe('running');
  });

  it('a process outside the subset is refused at submission', async () => {
    const broken: Process = { ...process, flows: process.flows.filter((f) => f.id !== 'f7') };
    expect(await codeOf(engine.workflows.start(t, { process: broken, object: 'quote', recordId: quote, submitter: people.rep }))).toBe('WORKFLOW_INVALID');
  });
});
