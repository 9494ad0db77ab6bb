import { randomBytes } from 'node:crypto';
import { AppError } from '@tangram/errors';
import type { Workflow } from '@tangram/metadata';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { Engine, type TenantEngine } from '../engine';
import { ManualClock } from '../jobs/clock';
import { backends, openTestDatabase } from '../testing/databases';
import { flows, installWorkflows, workflowOf } from './fixtures';
import type { Process, ProcessNode, UserTaskNode } from './process';
import { type InstanceView, timerQueue } from './runtime';

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e instanceof AppError ? e.code : String(e);
  }
  return 'no error';
};

const errorOf = async (p: Promise<unknown>): Promise<AppError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
};

type Person = 'rep' | 'manager' | 'f1' | 'f2' | 'f3' | 'admin' | 'legal' | 'gm' | 'other';
const everyone: Person[] = ['rep', 'manager', 'f1', 'f2', 'f3', 'admin', 'legal', 'gm', 'other'];

const step = (id: string, mode: UserTaskNode['mode'], approvers: unknown[], more: Partial<UserTaskNode> = {}): UserTaskNode => ({
  id,
  kind: 'userTask',
  mode,
  approvers,
  ...more,
});

/** A process `start -> …steps in a line… -> end`. */
const line = (id: string, nodes: ProcessNode[], more: Partial<Process> = {}): Process => ({
  id,
  nodes: [{ id: 'start', kind: 'start' }, { id: 'end', kind: 'end' }, ...nodes],
  flows: flows([['start', ...nodes.map((n) => n.id), 'end'].join(' -> ')]),
  ...more,
});

const statusValues = { running: 'pending', returned: 'draft', approved: 'approved', rejected: 'rejected', withdrawn: 'draft' } as const;

// Process instances as rows, at the engine level: every approval mode and operation, the status
// field set through the record pipeline, service tasks' actions, approver kinds (department head
// N levels up, the manager chain, chosen by the approver before), files on history entries, 抄送
// rows — on both databases.
describe.each(await backends())('approvals persisted on %s', (backend) => {
  let database: Database;
  let engine: Engine;
  let t: TenantEngine;
  const clock = new ManualClock('2031-06-02T01:00:00Z');
  const people = Object.fromEntries(everyone.map((p) => [p, ''])) as Record<Person, string>;
  const u = (...who: Person[]) => ({ kind: 'users', users: who.map((p) => people[p]) });
  let process: Process;
  const workflows: Workflow[] = [];
  const wf = (p: Process, more: Parameters<typeof workflowOf>[2] = {}) => {
    const w = workflowOf(modelQuote, p, { statusField: 'status', statusValues, ...more });
    workflows.push(w);
    return w;
  };
  let modelQuote: Parameters<typeof workflowOf>[0];

  const newQuote = async (values: Record<string, unknown> = {}) =>
    (await t.records.create('quote', { title: '华东区年度框架报价', discount: 25, owner_id: people.rep, ...values })).id as string;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    engine = await Engine.attach(database, { revisionCheckMs: 0, clock });
    t = await engine.createTenant(`wf${Date.now().toString(36)}${randomBytes(3).toString('hex')}`);
    const suffix = randomBytes(3).toString('hex');
    for (const name of everyone) {
      const user = await engine.identity.createUser({ email: `${name}-${suffix}@wf.test.local`, name, password: 'workflow test password' });
      await engine.identity.addMember(t.tenant, user, name === 'admin' ? 'admin' : 'member');
      people[name] = user.id;
    }
    // 总公司 (head gm) ⊃ 销售部 (head manager) ⊃ 华东组 (head f1): the rep works in 华东组.
    const company = await t.org.createDepartment({ name: '总公司', headId: people.gm });
    const sales = await t.org.createDepartment({ name: '销售部', parentId: company.id, headId: people.manager });
    const east = await t.org.createDepartment({ name: '华东组', parentId: sales.id, headId: people.f1 });
    await t.org.updateMember(people.rep, { departmentIds: [east.id], primaryDepartmentId: east.id });
    await t.org.updateMember(people.other, { managerId: people.legal });
    await t.schema.publish({
      objects: [
        {
          name: 'quote',
          fields: [
            { name: 'title', type: 'text', required: true },
            { name: 'discount', type: 'decimal' },
            { name: 'finance_note', type: 'text' },
            { name: 'approved_discount', type: 'decimal' },
            { name: 'reviewer', type: 'user' },
            {
              name: 'status',
              type: 'select',
              defaultValue: 'draft',
              options: { options: [{ key: 'draft' }, { key: 'pending' }, { key: 'approved' }, { key: 'rejected' }] },
            },
          ],
        },
        { name: 'follow_up', fields: [{ name: 'title', type: 'text' }] },
      ],
    });
    await sql`insert into ${sql.id(t.tenant.schema, '_role')} (name, doc) values ('finance', '{}'::jsonb) on conflict do nothing`.execute(database.db);
    await sql`insert into ${sql.id(t.tenant.schema, '_user_role')} (user_id, role) values (${people.f2}, 'finance'), (${people.f3}, 'finance')`.execute(
      database.db,
    );
    modelQuote = (await t.model()).byName.get('quote') as unknown as typeof modelQuote;
    // Every command's answer is built from its transaction, not read again: check it against a fresh read, for every command this file sends.
    const act = engine.workflows.act.bind(engine.workflows);
    engine.workflows.act = async (...args: Parameters<typeof act>) => {
      const view = await act(...args);
      expect(view).toEqual(await engine.workflows.get(args[0], args[1]));
      return view;
    };
    process = {
      id: 'quote_discount',
      nodes: [
        { id: 'start', kind: 'start' },
        { id: 'over10', kind: 'exclusive' },
        { id: 'manager', kind: 'userTask', mode: 'any', approvers: [{ type: 'users', ids: [people.manager] }], fields: { approved_discount: 'edit' } },
        { id: 'over20', kind: 'exclusive' },
        {
          id: 'finance',
          kind: 'userTask',
          mode: 'all',
          approvers: [u('f1', 'f2')],
          timeout: { minutes: 60, action: 'remind' },
        },
        { id: 'end', kind: 'end' },
      ],
      flows: [
        { id: 'f1', from: 'start', to: 'over10' },
        { id: 'f2', from: 'over10', to: 'manager', condition: { '>': [{ var: 'discount' }, 10] } },
        { id: 'f3', from: 'over10', to: 'end', default: true },
        { id: 'f4', from: 'manager', to: 'over20' },
        { id: 'f5', from: 'over20', to: 'finance', condition: { '>': [{ var: 'approved_discount' }, 20] } },
        { id: 'f6', from: 'over20', to: 'end', default: true },
        { id: 'f7', from: 'finance', to: 'end' },
      ],
    };
    wf(process);
  });

  afterAll(async () => {
    if (backend === 'postgres') {
      await sql`drop schema if exists ${sql.id(t.tenant.schema)} cascade`.execute(database.db);
      await database.db.withSchema('platform').deleteFrom('tenant').where('id', '=', t.tenant.id).execute();
      await database.db.withSchema('platform').deleteFrom('user').where('email', 'like', '%@wf.test.local').execute();
    }
    await engine.close();
  });

  const taskOf = async (instance: string, who: Person) => {
    const todo = await engine.workflows.inbox(t, people[who], 'todo', 500);
    const task = todo.find((x) => x.instance === instance)?.task;
    if (!task) throw new Error(`${who} has no open task: ${JSON.stringify(todo)}`);
    return task;
  };
  const open = (v: InstanceView) =>
    v.tasks
      .filter((x) => x.status === 'open')
      .map((x) => `${x.node}:${everyone.find((p) => people[p] === x.assignee)}`)
      .sort();
  const statusOf = async (id: string) => (await t.records.get('quote', id)).status;
  const approve = async (instance: string, who: Person, more: { next?: string[]; comment?: string; values?: Record<string, unknown> } = {}) =>
    engine.workflows.act(t, instance, { kind: 'approve', task: await taskOf(instance, who), by: people[who], ...more });

  describe('the quote discount approval', () => {
    let quote = '';
    let instance = '';

    it('submitting opens the sales manager’s task, in their 待办, with a notification; the status field says pending', async () => {
      await installWorkflows(t, workflows);
      quote = await newQuote();
      const view = await engine.workflows.start(t, { workflow: 'quote_discount', recordId: quote, submitter: people.rep, comment: '请审批' });
      instance = view.id;
      expect(view).toMatchObject({
        status: 'running',
        workflow: 'quote_discount',
        object: 'quote',
        recordId: quote,
        bpmn: expect.stringContaining('quote_discount'),
      });
      expect(view.history[0]).toMatchObject({ what: 'submitted', by: people.rep, comment: '请审批' });
      expect(open(view)).toEqual(['manager:manager']);
      expect(await engine.workflows.inbox(t, people.manager, 'todo')).toEqual([{ instance, task: expect.any(String), node: 'manager', status: 'open' }]);
      expect(await engine.workflows.inbox(t, people.rep, 'mine')).toEqual([{ instance, status: 'running' }]);
      const note = (await t.notifications.list(people.manager)).notifications[0];
      expect(note).toMatchObject({ kind: 'workflow.task', link: { object: 'quote', recordId: quote }, source: { type: 'workflow', id: instance } });
      expect(await statusOf(quote)).toBe('pending');
      // Through the record pipeline: an audit entry made via the workflow.
      const audit = await sql<{ via: unknown; changes: Record<string, unknown> }>`select via, changes from ${sql.id(t.tenant.schema, '_audit')}
        where record_id = ${quote} order by id desc limit 1`.execute(database.db);
      expect(audit.rows[0]?.via).toEqual({ workflow: instance, depth: 0 });
    });

    it('the same record cannot be submitted twice while its approval runs', async () => {
      expect(await codeOf(engine.workflows.start(t, { workflow: 'quote_discount', recordId: quote, submitter: people.rep }))).toBe('WORKFLOW_NOT_RUNNING');
    });

    it('someone else cannot approve the manager’s task, and nothing changes', async () => {
      const task = await taskOf(instance, 'manager');
      const before = await engine.workflows.get(t, instance);
      expect(await codeOf(engine.workflows.act(t, instance, { kind: 'approve', task, by: people.rep }))).toBe('WORKFLOW_NOT_ASSIGNEE');
      expect(await engine.workflows.get(t, instance)).toEqual(before);
    });

    it('the manager may edit only the fields the step marks edit, with the decision, in its transaction (the gateway reads them)', async () => {
      const refused = await errorOf(approve(instance, 'manager', { values: { finance_note: 'x' } }));
      expect(refused.code).toBe('WORKFLOW_RECORD_LOCKED');
      expect(refused.details.problems).toEqual([expect.objectContaining({ path: '/values/finance_note' })]);
      const view = await approve(instance, 'manager', { values: { approved_discount: 22 }, comment: '同意' });
      expect(Number((await t.records.get('quote', quote)).approved_discount)).toBe(22);
      expect(open(view)).toEqual(['finance:f1', 'finance:f2']);
      expect(await engine.workflows.inbox(t, people.manager, 'done')).toEqual([{ instance, task: expect.any(String), node: 'manager', status: 'approved' }]);
    });

    it('会签: one approval taken twice at once counts once', async () => {
      const task = await taskOf(instance, 'f1');
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

    it('the last approval ends it approved, sets the status field and tells the submitter', async () => {
      const view = await approve(instance, 'f2');
      expect(view.status).toBe('approved');
      expect(view.history.map((h) => h.what)).toEqual(['submitted', 'approved', 'passed', 'approved', 'timeout: remind', 'approved', 'passed', 'approved']);
      expect(view.tasks.every((x) => x.decidedAt !== null)).toBe(true);
      expect(await statusOf(quote)).toBe('approved');
      expect((await t.notifications.list(people.rep)).notifications[0]).toMatchObject({ kind: 'workflow.outcome', title: '审批有了结果：已通过' });
      expect(await engine.workflows.inbox(t, people.rep, 'mine')).toEqual([{ instance, status: 'approved' }]);
      expect(await codeOf(engine.workflows.act(t, instance, { kind: 'remind', by: people.rep }))).toBe('WORKFLOW_NOT_RUNNING');
    });

    it('a small discount passes at once; a new approval can start once the last one ended', async () => {
      const small = await newQuote({ discount: 5 });
      expect((await engine.workflows.start(t, { workflow: 'quote_discount', recordId: small, submitter: people.rep })).status).toBe('approved');
      expect(await statusOf(small)).toBe('approved');
      // Back to draft by hand is allowed (it is the value of returned / withdrawn); approved is the process's own.
      const refused = await errorOf(t.records.update('quote', await newQuote(), { status: 'approved' }, {}, { actor: people.rep }));
      expect(refused.code).toBe('WORKFLOW_STATUS_MANAGED');
      expect(refused.details.problems).toEqual([expect.objectContaining({ field: 'status', path: '/status' })]);
      expect(await codeOf(t.records.create('quote', { title: 'x', status: 'pending' }))).toBe('WORKFLOW_STATUS_MANAGED');
      expect(await codeOf(t.records.update('quote', quote, { status: 'draft' }))).toBe('no error');
      expect((await engine.workflows.start(t, { workflow: 'quote_discount', recordId: quote, submitter: people.rep })).status).toBe('running');
    });

    it('a process outside the subset is refused at submission; an unknown workflow, a bad id, a missing instance answer their codes', async () => {
      const broken = workflowOf(modelQuote, { ...process, id: 'broken', flows: process.flows.filter((f) => f.id !== 'f7') });
      expect(await codeOf(engine.workflows.start(t, { workflow: broken, recordId: await newQuote(), submitter: people.rep }))).toBe('WORKFLOW_INVALID');
      expect(await codeOf(engine.workflows.start(t, { workflow: 'nope', recordId: quote, submitter: people.rep }))).toBe('WORKFLOW_NOT_FOUND');
      const disabled = workflowOf(modelQuote, { ...process, id: 'off' }, { enabled: false });
      expect(await codeOf(engine.workflows.start(t, { workflow: disabled, recordId: quote, submitter: people.rep }))).toBe('WORKFLOW_DISABLED');
      expect(await codeOf(engine.workflows.get(t, '00000000-0000-4000-8000-000000000000'))).toBe('WORKFLOW_INSTANCE_NOT_FOUND');
      expect(await codeOf(engine.workflows.act(t, 'not-an-id', { kind: 'remind', by: people.rep }))).toBe('WORKFLOW_INSTANCE_NOT_FOUND');
      expect(await codeOf(engine.workflows.act(t, '00000000-0000-4000-8000-000000000000', { kind: 'remind', by: people.rep }))).toBe(
        'WORKFLOW_INSTANCE_NOT_FOUND',
      );
    });
  });

  describe('every approval mode', () => {
    it('或签: the first decision decides', async () => {
      const w = wf(line('any_mode', [step('s', 'any', [u('f1', 'f2', 'f3')])]));
      await installWorkflows(t, workflows);
      const v = await engine.workflows.start(t, { workflow: w, recordId: await newQuote(), submitter: people.rep });
      expect(open(v)).toEqual(['s:f1', 's:f2', 's:f3']);
      const done = await approve(v.id, 'f2');
      expect(done.status).toBe('approved');
      expect(done.tasks.filter((x) => x.status === 'cancelled')).toHaveLength(2);
    });

    it('会签: all must approve, one rejection rejects (status field rejected)', async () => {
      const w = wf(line('all_mode', [step('s', 'all', [u('f1', 'f2')])]));
      await installWorkflows(t, workflows);
      const q = await newQuote();
      const v = await engine.workflows.start(t, { workflow: w, recordId: q, submitter: people.rep });
      expect((await approve(v.id, 'f1')).status).toBe('running');
      const rejected = await engine.workflows.act(t, v.id, { kind: 'reject', task: await taskOf(v.id, 'f2'), by: people.f2, comment: '价格太低' });
      expect(rejected.status).toBe('rejected');
      expect(await statusOf(q)).toBe('rejected');
    });

    it('依次: one at a time, in order', async () => {
      const w = wf(line('seq_mode', [step('s', 'sequential', [u('f3', 'f1', 'f2')])]));
      await installWorkflows(t, workflows);
      const v = await engine.workflows.start(t, { workflow: w, recordId: await newQuote(), submitter: people.rep });
      expect(open(v)).toEqual(['s:f3']);
      expect(await codeOf(engine.workflows.act(t, v.id, { kind: 'approve', task: v.tasks[1]?.id as string, by: people.f1 }))).toBe('WORKFLOW_TASK_CLOSED');
      expect(open(await approve(v.id, 'f3'))).toEqual(['s:f1']);
      expect(open(await approve(v.id, 'f1'))).toEqual(['s:f2']);
      expect((await approve(v.id, 'f2')).status).toBe('approved');
    });

    it('ratio: 2 of 3 pass; it fails once the ratio is out of reach', async () => {
      const w = wf(line('ratio_mode', [step('s', 'ratio', [u('f1', 'f2', 'f3')], { ratio: 0.66 })]));
      await installWorkflows(t, workflows);
      const a = await engine.workflows.start(t, { workflow: w, recordId: await newQuote(), submitter: people.rep });
      expect((await approve(a.id, 'f1')).status).toBe('running');
      expect((await approve(a.id, 'f3')).status).toBe('approved');
      const b = await engine.workflows.start(t, { workflow: w, recordId: await newQuote(), submitter: people.rep });
      await engine.workflows.act(t, b.id, { kind: 'reject', task: await taskOf(b.id, 'f1'), by: people.f1 });
      expect((await engine.workflows.act(t, b.id, { kind: 'reject', task: await taskOf(b.id, 'f2'), by: people.f2 })).status).toBe('rejected');
    });
  });

  describe('every operation', () => {
    const twoSteps = () =>
      wf(line(`ops_${randomBytes(3).toString('hex')}`, [step('a', 'any', [u('manager')]), step('b', 'any', [u('f1')], { onReject: 'submitter' })]));

    it('reject back to the submitter, who edits the locked record and resubmits', async () => {
      const w = twoSteps();
      await installWorkflows(t, workflows);
      const q = await newQuote();
      const v = await engine.workflows.start(t, { workflow: w, recordId: q, submitter: people.rep });
      await approve(v.id, 'manager');
      const returned = await engine.workflows.act(t, v.id, { kind: 'reject', task: await taskOf(v.id, 'f1'), by: people.f1, comment: '请修改折扣' });
      expect(returned.status).toBe('returned');
      expect(await statusOf(q)).toBe('draft');
      // Returned: the submitter may edit; others still may not.
      expect(await codeOf(t.records.update('quote', q, { discount: 15 }, {}, { actor: people.rep }))).toBe('no error');
      expect(await codeOf(t.records.update('quote', q, { discount: 16 }, {}, { actor: people.other }))).toBe('WORKFLOW_RECORD_LOCKED');
      const resubmit = returned.tasks.find((x) => x.kind === 'resubmit' && x.status === 'open')?.id as string;
      const again = await engine.workflows.act(t, v.id, { kind: 'resubmit', task: resubmit, by: people.rep });
      expect(again.status).toBe('running');
      expect(open(again)).toEqual(['a:manager']);
      expect(await statusOf(q)).toBe('pending');
    });

    it('退回 to an earlier step, 加签 before and after, 转交', async () => {
      const w = twoSteps();
      await installWorkflows(t, workflows);
      const v = await engine.workflows.start(t, { workflow: w, recordId: await newQuote(), submitter: people.rep });
      await approve(v.id, 'manager');
      const back = await engine.workflows.act(t, v.id, { kind: 'return', task: await taskOf(v.id, 'f1'), by: people.f1, to: 'a' });
      expect(open(back)).toEqual(['a:manager']);
      const before = await engine.workflows.act(t, v.id, {
        kind: 'addSigner',
        task: await taskOf(v.id, 'manager'),
        by: people.manager,
        signer: people.legal,
        position: 'before',
      });
      expect(open(before)).toEqual(['a:legal']);
      expect(open(await approve(v.id, 'legal'))).toEqual(['a:manager']);
      const after = await engine.workflows.act(t, v.id, {
        kind: 'addSigner',
        task: await taskOf(v.id, 'manager'),
        by: people.manager,
        signer: people.gm,
        position: 'after',
      });
      expect(open(after)).toEqual(['a:gm']);
      expect(open(await approve(v.id, 'gm'))).toEqual(['b:f1']);
      const moved = await engine.workflows.act(t, v.id, { kind: 'transfer', task: await taskOf(v.id, 'f1'), by: people.f1, to: people.f2 });
      expect(open(moved)).toEqual(['b:f2']);
      expect((await approve(v.id, 'f2')).status).toBe('approved');
    });

    it('撤回 by the submitter (status field withdrawn), 催办, 抄送 rows, comments with files', async () => {
      const w = twoSteps();
      await installWorkflows(t, workflows);
      const q = await newQuote();
      const v = await engine.workflows.start(t, { workflow: w, recordId: q, submitter: people.rep });
      const file = (await t.files.upload({ name: 'quote.pdf', mimeType: 'application/pdf', data: Buffer.from('%PDF-1.4 test') }, { actor: people.manager })).id;
      const c1 = await engine.workflows.act(t, v.id, { kind: 'comment', by: people.manager, text: '见附件', files: [file] });
      expect(c1.history.at(-1)).toMatchObject({ what: 'commented', comment: '见附件', files: [file] });
      expect(await codeOf(engine.workflows.act(t, v.id, { kind: 'comment', by: people.rep, text: 'x', files: [file] }))).toBe('VALIDATION_FAILED');
      await engine.workflows.act(t, v.id, { kind: 'remind', by: people.rep });
      expect((await t.notifications.list(people.manager)).notifications.map((n) => n.kind)).toContain('workflow.remind');
      await engine.workflows.act(t, v.id, { kind: 'cc', by: people.manager, users: [people.legal, people.gm] });
      const cc = await sql<{ user_id: string; read_at: string | null; by: string }>`select user_id, read_at, by from ${sql.id(t.tenant.schema, '_wf_cc')}
        where instance_id = ${v.id} order by user_id`.execute(database.db);
      expect(cc.rows.map((r) => r.user_id).sort()).toEqual([people.legal, people.gm].sort());
      expect(cc.rows.every((r) => r.read_at === null && r.by === people.manager)).toBe(true);
      expect(await codeOf(engine.workflows.act(t, v.id, { kind: 'withdraw', by: people.manager }))).toBe('WORKFLOW_NOT_ASSIGNEE');
      const gone = await engine.workflows.act(t, v.id, { kind: 'withdraw', by: people.rep });
      expect(gone.status).toBe('withdrawn');
      expect(await statusOf(q)).toBe('draft');
      expect(await engine.workflows.inbox(t, people.manager, 'todo')).not.toContainEqual(expect.objectContaining({ instance: v.id }));
    });
  });

  describe('bad input', () => {
    it('gets a clear code and path, never a database error, and changes nothing', async () => {
      const w = wf(line('bad_input', [step('a', 'any', [u('manager')])]));
      await installWorkflows(t, workflows);
      const q = await newQuote();
      expect(await codeOf(engine.workflows.start(t, { workflow: w, object: 'follow_up', recordId: q, submitter: people.rep }))).toBe('WORKFLOW_NOT_FOUND');
      expect(await codeOf(engine.workflows.start(t, { workflow: w, recordId: 'nope', submitter: people.rep }))).toBe('RECORD_NOT_FOUND');
      expect(await codeOf(engine.workflows.start(t, { workflow: w, recordId: q, submitter: 'nobody' }))).toBe('WORKFLOW_NO_SUBMITTER');
      const v = await engine.workflows.start(t, { workflow: w, object: 'quote', recordId: q, submitter: people.rep });
      const task = await taskOf(v.id, 'manager');
      const pathOf = async (p: Promise<unknown>) => {
        const e = await errorOf(p);
        return `${e.code} ${(e.details.problems as { path: string }[] | undefined)?.[0]?.path}`;
      };
      expect(await pathOf(engine.workflows.act(t, v.id, { kind: 'cc', by: people.manager, users: ['not-a-user'] }))).toBe('VALIDATION_FAILED /users');
      expect(await pathOf(engine.workflows.act(t, v.id, { kind: 'cc', by: people.manager, users: [people.gm, '00000000-0000-4000-8000-000000000000'] }))).toBe(
        'VALIDATION_FAILED /users/1',
      );
      expect(await pathOf(engine.workflows.act(t, v.id, { kind: 'transfer', task, by: people.manager, to: 'x' }))).toBe('VALIDATION_FAILED /to');
      expect(
        await pathOf(
          engine.workflows.act(t, v.id, { kind: 'addSigner', task, by: people.manager, signer: '00000000-0000-4000-8000-000000000000', position: 'after' }),
        ),
      ).toBe('VALIDATION_FAILED /signer');
      expect(await pathOf(engine.workflows.act(t, v.id, { kind: 'comment', by: people.manager, text: 'x'.repeat(4001) }))).toBe('VALIDATION_FAILED /text');
      expect(await pathOf(engine.workflows.act(t, v.id, { kind: 'approve', task, by: people.manager, files: ['nope'] }))).toBe('VALIDATION_FAILED /files');
      expect(await pathOf(engine.workflows.act(t, v.id, { kind: 'approve', task, by: people.manager, values: [] as never }))).toBe('VALIDATION_FAILED /values');
      expect((await engine.workflows.get(t, v.id)).history.map((h) => h.what)).toEqual(['submitted']);
    });
  });

  describe('approver kinds', () => {
    it('department head N levels up of the submitter, and a role', async () => {
      const w = wf(
        line('heads', [
          step('l1', 'any', [{ kind: 'departmentHead' }]),
          step('l2', 'any', [{ kind: 'departmentHead', level: 2 }]),
          step('l3', 'any', [{ kind: 'departmentHead', level: 3 }]),
          step('fin', 'all', [{ kind: 'role', role: 'finance' }]),
        ]),
      );
      await installWorkflows(t, workflows);
      const v = await engine.workflows.start(t, { workflow: w, recordId: await newQuote(), submitter: people.rep });
      expect(open(v)).toEqual(['l1:f1']);
      expect(open(await approve(v.id, 'f1'))).toEqual(['l2:manager']);
      expect(open(await approve(v.id, 'manager'))).toEqual(['l3:gm']);
      expect(open(await approve(v.id, 'gm'))).toEqual(['fin:f2', 'fin:f3']);
    });

    it('the manager chain, one level after another (依次); the profile’s manager when there is no department', async () => {
      const w = wf(line('chain', [step('chain', 'sequential', [{ kind: 'managerChain', levels: 2 }])]));
      await installWorkflows(t, workflows);
      const v = await engine.workflows.start(t, { workflow: w, recordId: await newQuote(), submitter: people.rep });
      expect(open(v)).toEqual(['chain:f1']);
      expect(open(await approve(v.id, 'f1'))).toEqual(['chain:manager']);
      expect((await approve(v.id, 'manager')).status).toBe('approved');
      const other = await engine.workflows.start(t, { workflow: w, recordId: await newQuote({ owner_id: people.other }), submitter: people.other });
      expect(open(other)).toEqual(['chain:legal']);
    });

    it('a user field of the record and the owner’s manager', async () => {
      const w = wf(line('fields', [step('who', 'all', [{ kind: 'userField', field: 'reviewer' }, { kind: 'ownerManager' }])]));
      await installWorkflows(t, workflows);
      const v = await engine.workflows.start(t, { workflow: w, recordId: await newQuote({ reviewer: people.legal }), submitter: people.rep });
      expect(open(v)).toEqual(['who:f1', 'who:legal']);
    });

    it('chosen by the previous approver: approve without `next` is refused, with it the next step opens for them', async () => {
      const w = wf(line('chosen', [step('first', 'any', [u('manager')]), step('second', 'all', [{ kind: 'chosen' }])]));
      await installWorkflows(t, workflows);
      const v = await engine.workflows.start(t, { workflow: w, recordId: await newQuote(), submitter: people.rep });
      expect(await engine.workflows.needsChoice(t, v.id, await taskOf(v.id, 'manager'), people.manager)).toEqual({ node: 'second' });
      const refused = await errorOf(approve(v.id, 'manager'));
      expect(refused.code).toBe('WORKFLOW_NEXT_REQUIRED');
      expect(refused.details.problems).toEqual([expect.objectContaining({ path: '/next', node: 'second' })]);
      expect(open(await engine.workflows.get(t, v.id))).toEqual(['first:manager']);
      expect(await codeOf(approve(v.id, 'manager', { next: ['00000000-0000-4000-8000-000000000000'] }))).toBe('VALIDATION_FAILED');
      expect(open(await approve(v.id, 'manager', { next: [people.legal, people.gm] }))).toEqual(['second:gm', 'second:legal']);
      expect(await engine.workflows.needsChoice(t, v.id, await taskOf(v.id, 'gm'), people.gm)).toBeNull();
      // The submitter chooses a first step's approvers at submission.
      const first = wf(line('chosen_first', [step('only', 'any', [{ kind: 'chosen' }])]));
      await installWorkflows(t, workflows);
      expect(await codeOf(engine.workflows.start(t, { workflow: first, recordId: await newQuote(), submitter: people.rep }))).toBe('WORKFLOW_NEXT_REQUIRED');
      expect(open(await engine.workflows.start(t, { workflow: first, recordId: await newQuote(), submitter: people.rep, next: [people.f3] }))).toEqual([
        'only:f3',
      ]);
    });

    it('approvers are resolved lazily: a step the command does not open is never resolved', async () => {
      const w = wf({
        id: 'lazy',
        nodes: [
          { id: 'start', kind: 'start' },
          { id: 'end', kind: 'end' },
          { id: 'gw', kind: 'exclusive' },
          step('ok', 'any', [u('manager')]),
          step('broken', 'any', [{ kind: 'no-such-kind' }]),
        ],
        flows: flows(['start -> gw', 'gw -[big]-> broken -> end', 'gw -*-> ok -> end'], { big: { '>': [{ var: 'discount' }, 90] } }),
      });
      await installWorkflows(t, workflows);
      const v = await engine.workflows.start(t, { workflow: w, recordId: await newQuote(), submitter: people.rep });
      expect(open(v)).toEqual(['ok:manager']);
      expect(await codeOf(engine.workflows.start(t, { workflow: w, recordId: await newQuote({ discount: 95 }), submitter: people.rep }))).toBe(
        'WORKFLOW_INVALID',
      );
    });
  });

  describe('service tasks', () => {
    it('run the automation action library on the record, as the process, in the command’s transaction', async () => {
      const w = wf(
        line('service', [
          step('ok', 'any', [u('manager')]),
          {
            id: 'book',
            kind: 'serviceTask',
            actions: [
              { kind: 'updateRecord', target: { kind: 'self' }, values: [{ field: 'finance_note', formula: { cat: ['已批准：', { var: 'title' }] } }] },
              { kind: 'createRecord', object: 'follow_up', values: [{ field: 'title', value: '跟进已批准报价' }] },
              { kind: 'notify', to: [{ kind: 'owner' }], title: '报价已批准' },
            ],
          },
        ]),
      );
      await installWorkflows(t, workflows);
      const q = await newQuote();
      const v = await engine.workflows.start(t, { workflow: w, recordId: q, submitter: people.rep });
      const before = (await t.records.query('follow_up', {})).records.length;
      expect((await approve(v.id, 'manager')).status).toBe('approved');
      const record = await t.records.get('quote', q);
      expect(record).toMatchObject({ finance_note: '已批准：华东区年度框架报价', status: 'approved' });
      expect((await t.records.query('follow_up', {})).records.length).toBe(before + 1);
      expect((await t.notifications.list(people.rep)).notifications.map((n) => n.title)).toContain('报价已批准');
    });

    it('a gateway after a service task reads the record as its actions left it; one before it keeps its answer', async () => {
      // start → before (discount > 20: done) → raise (sets discount 30) → after (discount > 20: big) → end
      const big = { '>': [{ var: 'discount' }, 20] };
      const p: Process = {
        id: 'service_then_gateway',
        nodes: [
          { id: 'start', kind: 'start' },
          { id: 'before', kind: 'exclusive' },
          { id: 'done', kind: 'end' },
          { id: 'raise', kind: 'serviceTask', actions: [{ kind: 'updateRecord', target: { kind: 'self' }, values: [{ field: 'discount', value: 30 }] }] },
          { id: 'after', kind: 'exclusive' },
          step('big', 'any', [u('manager')]),
          { id: 'end', kind: 'end' },
        ],
        flows: flows(['start -> before -[big]-> done', 'before -*-> raise -> after -[big]-> big -> end', 'after -*-> end'], { big }),
      };
      const w = wf(p);
      await installWorkflows(t, workflows);
      const q = await newQuote({ discount: 10 });
      const v = await engine.workflows.start(t, { workflow: w, recordId: q, submitter: people.rep });
      expect(Number((await t.records.get('quote', q)).discount)).toBe(30);
      // At 10 the first gateway went on to the service task; at 30 the second one opens the step.
      expect(open(v)).toEqual(['big:manager']);
      expect(v.status).toBe('running');
      expect((await approve(v.id, 'manager')).status).toBe('approved');
    });

    it('a failing action rolls the whole command back: the task stays open', async () => {
      const w = wf(
        line('service_fail', [
          step('ok', 'any', [u('manager')]),
          { id: 'bad', kind: 'serviceTask', actions: [{ kind: 'updateRecord', target: { kind: 'self' }, values: [{ field: 'title', value: null }] }] },
        ]),
      );
      await installWorkflows(t, workflows);
      const q = await newQuote();
      const v = await engine.workflows.start(t, { workflow: w, recordId: q, submitter: people.rep });
      expect(await codeOf(approve(v.id, 'manager'))).toBe('RECORD_INVALID');
      const after = await engine.workflows.get(t, v.id);
      expect(open(after)).toEqual(['ok:manager']);
      expect(after.history.map((h) => h.what)).toEqual(['submitted']);
      expect(await statusOf(q)).toBe('pending');
    });
  });
});
