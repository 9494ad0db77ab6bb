import { randomBytes } from 'node:crypto';
import { AppError } from '@tangram/errors';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { Engine, type TenantEngine } from '../engine';
import { ManualClock } from '../jobs/clock';
import { backends, openTestDatabase } from '../testing/databases';

// Workflows published as metadata (a BPMN diagram with tg: attributes): started by name, by the
// record's creation (start.onCreate); the record locked while it runs, its status field the
// process's; a running instance stays on the version it started with after a new one is published.

const attr = (v: unknown) => JSON.stringify(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** start → the given user tasks in a line → end. */
function diagram(tasks: { id: string; attrs: string }[]): string {
  const ids = ['start', ...tasks.map((t) => t.id), 'end'];
  const flows = ids
    .slice(1)
    .map((to, i) => `<bpmn:sequenceFlow id="f${i}" sourceRef="${ids[i]}" targetRef="${to}" />`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:tg="https://tangram.dev/schema/bpmn/1" id="defs">
  <bpmn:process id="approval" isExecutable="true">
    <bpmn:startEvent id="start" />
    ${tasks.map((t) => `<bpmn:userTask id="${t.id}" ${t.attrs} />`).join('\n')}
    <bpmn:endEvent id="end" />
    ${flows}
  </bpmn:process>
</bpmn:definitions>`;
}

describe.each(await backends())('published workflows on %s', (backend) => {
  let database: Database;
  let engine: Engine;
  let t: TenantEngine;
  const clock = new ManualClock('2031-06-02T01:00:00Z');
  const people = { rep: '', manager: '', gm: '' };
  const objects = [
    {
      name: 'quote',
      fields: [
        { name: 'title', type: 'text', required: true },
        { name: 'discount', type: 'decimal' },
        { name: 'status', type: 'select', defaultValue: 'draft', options: { options: [{ key: 'draft' }, { key: 'pending' }, { key: 'approved' }] } },
      ],
    },
    { name: 'leave', fields: [{ name: 'days', type: 'integer' }] },
  ];
  const manager = () => ({
    id: 'manager',
    attrs: `tg:approvers="${attr([{ kind: 'users', users: [people.manager] }])}" tg:fields="${attr({ discount: 'edit' })}"`,
  });
  const gm = () => ({ id: 'gm', attrs: `tg:approvers="${attr([{ kind: 'users', users: [people.gm] }])}"` });
  const app = (tasks: { id: string; attrs: string }[]) => ({
    objects,
    workflows: [
      {
        name: 'discount',
        label: '折扣审批',
        object: 'quote',
        bpmn: diagram(tasks),
        statusField: 'status',
        statusValues: { running: 'pending', approved: 'approved', returned: 'draft', withdrawn: 'draft' },
      },
      {
        name: 'leave',
        object: 'leave',
        bpmn: diagram([{ id: 'manager', attrs: `tg:approvers="${attr([{ kind: 'users', users: [people.manager] }])}"` }]),
        start: { button: false, onCreate: true },
      },
    ],
  });

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    engine = await Engine.attach(database, { revisionCheckMs: 0, clock });
    t = await engine.createTenant(`wp${Date.now().toString(36)}${randomBytes(3).toString('hex')}`);
    const suffix = randomBytes(3).toString('hex');
    for (const name of Object.keys(people) as (keyof typeof people)[]) {
      const u = await engine.identity.createUser({ email: `${name}-${suffix}@wfpub.test.local`, name, password: 'workflow test password' });
      await engine.identity.addMember(t.tenant, u, 'member');
      people[name] = u.id;
    }
    await t.schema.publish(app([manager()]));
  });

  afterAll(async () => {
    if (backend === 'postgres') {
      await sql`drop schema if exists ${sql.id(t.tenant.schema)} cascade`.execute(database.db);
      await database.db.withSchema('platform').deleteFrom('tenant').where('id', '=', t.tenant.id).execute();
      await database.db.withSchema('platform').deleteFrom('user').where('email', 'like', '%@wfpub.test.local').execute();
    }
    await engine.close();
  });

  const code = (e: unknown) => (e instanceof AppError ? e.code : String(e));

  it('starts by name with the diagram of its version; locks the record; its status values are the process’s', async () => {
    const quote = (await t.records.create('quote', { title: '报价', discount: 15, owner_id: people.rep }, { actor: people.rep })).id as string;
    expect(code(await t.records.update('quote', quote, { status: 'approved' }, {}, { actor: people.rep }).catch((e) => e))).toBe('WORKFLOW_STATUS_MANAGED');
    const v = await engine.workflows.start(t, { workflow: 'discount', recordId: quote, submitter: people.rep });
    expect(v.bpmn).toContain('tg:approvers');
    expect((await t.records.get('quote', quote)).status).toBe('pending');
    expect(code(await t.records.update('quote', quote, { title: '改' }, {}, { actor: people.rep }).catch((e) => e))).toBe('WORKFLOW_RECORD_LOCKED');
    expect(code(await t.records.delete('quote', quote, {}, { actor: people.rep }).catch((e) => e))).toBe('WORKFLOW_RECORD_LOCKED');
    await t.records.update('quote', quote, { discount: 12 }, {}, { actor: people.manager });
    const task = v.tasks.find((x) => x.status === 'open')?.id as string;
    expect((await engine.workflows.act(t, v.id, { kind: 'approve', task, by: people.manager })).status).toBe('approved');
    expect((await t.records.get('quote', quote)).status).toBe('approved');
    await t.records.update('quote', quote, { title: '改' }, {}, { actor: people.rep });
  });

  it('start.onCreate from the metadata starts an instance with the record', async () => {
    const leave = (await t.records.create('leave', { days: 3 }, { actor: people.rep })).id as string;
    expect(await engine.workflows.inbox(t, people.rep, 'mine')).toContainEqual({ instance: expect.any(String), status: 'running' });
    expect(code(await t.records.update('leave', leave, { days: 4 }, {}, { actor: people.rep }).catch((e) => e))).toBe('WORKFLOW_RECORD_LOCKED');
  });

  it('a running instance stays on its version when a new one is published; new instances take the new one', async () => {
    const q1 = (await t.records.create('quote', { title: 'old', owner_id: people.rep })).id as string;
    const old = await engine.workflows.start(t, { workflow: 'discount', recordId: q1, submitter: people.rep });
    await t.schema.publish(app([manager(), gm()]));
    const q2 = (await t.records.create('quote', { title: 'new', owner_id: people.rep })).id as string;
    const fresh = await engine.workflows.start(t, { workflow: 'discount', recordId: q2, submitter: people.rep });
    const approveManager = async (id: string) => {
      const v = await engine.workflows.get(t, id);
      return engine.workflows.act(t, id, { kind: 'approve', task: v.tasks.find((x) => x.status === 'open')?.id as string, by: people.manager });
    };
    expect((await approveManager(old.id)).status).toBe('approved');
    const next = await approveManager(fresh.id);
    expect(next.status).toBe('running');
    expect(next.tasks.filter((x) => x.status === 'open').map((x) => x.assignee)).toEqual([people.gm]);
    expect(old.bpmn).not.toContain('id="gm"');
    expect(next.bpmn).toContain('id="gm"');
  });
});
