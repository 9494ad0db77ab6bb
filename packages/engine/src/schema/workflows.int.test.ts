import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { backends } from '../testing/databases';
import { type TestTenant, failure, setupTenant } from '../testing/engine';

// Publishing workflows: the diagram is read into `process`, its object, status field, status
// values and the fields it names are checked, every problem at /workflows/<i>/…; revisions stored
// before workflows existed keep loading.

const objects = [
  {
    name: 'quote',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'discount', type: 'decimal' },
      { name: 'approver', type: 'user' },
      { name: 'status', type: 'select', options: { options: [{ key: 'draft' }, { key: 'pending' }, { key: 'approved' }, { key: 'rejected' }] } },
    ],
  },
];

const attr = (v: unknown) => JSON.stringify(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** Start → manager (with `task` attributes) → gateway (discount > limit: finance) → end. */
function diagram(opts: { task?: string; condition?: unknown; extra?: string } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:tg="https://tangram.dev/schema/bpmn/1" id="defs">
  <bpmn:process id="approval" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="manager" />
    <bpmn:userTask id="manager" name="Manager" ${opts.task ?? `tg:approvers="${attr([{ kind: 'userField', field: 'approver' }])}" tg:fields="${attr({ discount: 'edit' })}"`} />
    <bpmn:sequenceFlow id="f2" sourceRef="manager" targetRef="gw" />
    <bpmn:exclusiveGateway id="gw" default="f_small" />
    <bpmn:sequenceFlow id="f_big" sourceRef="gw" targetRef="finance">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" language="application/json-logic+json">${attr(opts.condition ?? { '>': [{ var: 'discount' }, 0.2] })}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_small" sourceRef="gw" targetRef="end" />
    <bpmn:userTask id="finance" tg:mode="all" tg:approvers="${attr([{ kind: 'role', role: 'finance' }])}" />
    <bpmn:sequenceFlow id="f3" sourceRef="finance" targetRef="end" />
    <bpmn:endEvent id="end" />
    ${opts.extra ?? ''}
  </bpmn:process>
</bpmn:definitions>`;
}

const workflow = (more: Record<string, unknown> = {}) => ({
  name: 'discount',
  label: { 'zh-CN': '折扣审批', en: 'Discount approval' },
  object: 'quote',
  bpmn: diagram(),
  statusField: 'status',
  statusValues: { running: 'pending', approved: 'approved', rejected: 'rejected', withdrawn: 'draft', returned: 'draft' },
  ...more,
});

const problemsOf = async (p: Promise<unknown>) => {
  const e = await failure(p);
  expect(e.code).toBe('METADATA_INVALID');
  return ((e.details as { problems: { code: string; path: string; message: string }[] }).problems ?? []).map((x) => ({ code: x.code, path: x.path }));
};

describe.each(await backends())('publishing workflows on %s', (backend) => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await setupTenant(backend);
    await t.tenant.schema.publish({ objects });
    // The diagram's finance step names this role.
    await t.tenant.access.putRole('finance', { label: '财务', objects: { quote: { read: 'all' } } });
  });
  afterAll(() => t.close());

  it('refuses an approver role the tenant does not have, at its step; the tenant keeps the revision it had', async () => {
    const before = (await t.tenant.schema.revisions()).map((r) => r.id);
    const bpmn = diagram({
      task: `tg:approvers="${attr([
        { kind: 'role', role: 'regional_director' },
        { kind: 'role', role: 'finance' },
      ])}"`,
    });
    expect(await problemsOf(t.tenant.schema.publish({ objects, workflows: [workflow({ bpmn })] }))).toEqual([
      { code: 'ROLE_NOT_FOUND', path: '/workflows/0/bpmn/manager' },
    ]);
    expect((await t.tenant.schema.revisions()).map((r) => r.id)).toEqual(before);
  });

  it('reads the diagram into the process, with defaults, names resolved and conditions checked', async () => {
    const rev = await t.tenant.schema.publish({ objects, workflows: [workflow()] });
    const [w] = rev.metadata.workflows;
    const status = rev.metadata.objects[0]?.fields.find((f) => f.name === 'status');
    expect(w).toMatchObject({
      id: 'discount',
      name: 'discount',
      object: rev.metadata.objects[0]?.id,
      statusField: status?.id,
      statusValues: { running: 'pending', approved: 'approved', rejected: 'rejected', withdrawn: 'draft', returned: 'draft' },
      start: { button: true, onCreate: false },
      enabled: true,
    });
    expect(w?.process.nodes.map((n) => `${n.id}:${n.kind}`)).toEqual(['start:start', 'manager:userTask', 'gw:exclusive', 'finance:userTask', 'end:end']);
    expect(w?.process.nodes[1]).toMatchObject({
      name: 'Manager',
      mode: 'any',
      approvers: [{ kind: 'userField', field: 'approver' }],
      fields: { discount: 'edit' },
    });
    expect(w?.process.flows.find((f) => f.id === 'f_small')?.default).toBe(true);
    expect(w?.process.flows.find((f) => f.id === 'f_big')?.condition).toEqual({ '>': [{ var: 'discount' }, 0.2] });
    // The model serves it; a rollback to it reads the diagram again (the stored process is not trusted).
    expect((await t.tenant.model()).app.workflows.map((x) => x.name)).toEqual(['discount']);
    const later = await t.tenant.schema.publish({ objects, workflows: [workflow({ enabled: false, start: { button: false, onCreate: true } })] });
    expect(later.metadata.workflows[0]).toMatchObject({ enabled: false, start: { button: false, onCreate: true } });
    const back = await t.tenant.schema.rollback(rev.id);
    expect(back.metadata.workflows[0]?.process).toEqual(w?.process);
    expect(back.metadata.workflows[0]?.enabled).toBe(true);
  });

  it('refuses a diagram outside the subset or not BPMN at all, naming the element, at /workflows/<i>/bpmn', async () => {
    const script = '<bpmn:scriptTask id="calc" />';
    const e = await failure(t.tenant.schema.publish({ objects, workflows: [workflow({ bpmn: diagram({ extra: script }) })] }));
    expect(e.code).toBe('METADATA_INVALID');
    const problems = (e.details as { problems: { code: string; path: string; message: string }[] }).problems;
    expect(problems).toEqual([expect.objectContaining({ code: 'WORKFLOW_BPMN_UNSUPPORTED', path: '/workflows/0/bpmn/calc' })]);
    expect(problems[0]?.message).toContain('bpmn:ScriptTask');
    expect(await problemsOf(t.tenant.schema.publish({ objects, workflows: [workflow({ bpmn: '<not xml' })] }))).toEqual([
      { code: 'WORKFLOW_BPMN_INVALID', path: '/workflows/0/bpmn' },
    ]);
    // A graph the interpreter cannot run: the element's id in the path.
    const dangling = diagram({ extra: '<bpmn:userTask id="orphan" />' });
    expect(await problemsOf(t.tenant.schema.publish({ objects, workflows: [workflow({ bpmn: dangling })] }))).toEqual([
      { code: 'WORKFLOW_INVALID', path: '/workflows/0/bpmn/orphan' },
      { code: 'WORKFLOW_INVALID', path: '/workflows/0/bpmn/orphan' },
    ]);
  });

  it('checks the object, the status field and its values, the fields and approvers the diagram names, and conditions', async () => {
    expect(await problemsOf(t.tenant.schema.publish({ objects, workflows: [workflow({ object: 'invoice' })] }))).toEqual([
      { code: 'OBJECT_NOT_FOUND', path: '/workflows/0/object' },
    ]);
    expect(await problemsOf(t.tenant.schema.publish({ objects, workflows: [workflow({ statusField: 'title' })] }))).toEqual([
      { code: 'WORKFLOW_STATUS_FIELD_INVALID', path: '/workflows/0/statusField' },
    ]);
    expect(await problemsOf(t.tenant.schema.publish({ objects, workflows: [workflow({ statusField: 'state' })] }))).toEqual([
      { code: 'FIELD_NOT_FOUND', path: '/workflows/0/statusField' },
    ]);
    expect(await problemsOf(t.tenant.schema.publish({ objects, workflows: [workflow({ statusValues: { approved: 'approved', rejected: 'lost' } })] }))).toEqual(
      [{ code: 'WORKFLOW_STATUS_FIELD_INVALID', path: '/workflows/0/statusValues/rejected' }],
    );
    expect(
      await problemsOf(t.tenant.schema.publish({ objects, workflows: [workflow({ statusField: undefined, statusValues: { approved: 'approved' } })] })),
    ).toEqual([{ code: 'WORKFLOW_STATUS_FIELD_INVALID', path: '/workflows/0/statusValues' }]);
    const task = `tg:approvers="${attr([
      { kind: 'userField', field: 'title' },
      { kind: 'userField', field: 'boss' },
    ])}" tg:fields="${attr({ margin: 'edit' })}"`;
    expect(await problemsOf(t.tenant.schema.publish({ objects, workflows: [workflow({ bpmn: diagram({ task }) })] }))).toEqual([
      { code: 'WORKFLOW_FIELD_INVALID', path: '/workflows/0/bpmn/manager' },
      { code: 'WORKFLOW_FIELD_INVALID', path: '/workflows/0/bpmn/manager' },
      { code: 'WORKFLOW_FIELD_INVALID', path: '/workflows/0/bpmn/manager' },
    ]);
    const condition = { '>': [{ var: 'margin' }, 1] };
    const bad = await problemsOf(t.tenant.schema.publish({ objects, workflows: [workflow({ bpmn: diagram({ condition }) })] }));
    // The path goes into the condition (the element's id, then the JSON Logic path).
    expect(bad.map((p) => p.path)).toEqual(['/workflows/0/bpmn/f_big/>/0']);
    const when = await problemsOf(t.tenant.schema.publish({ objects, workflows: [workflow({ start: { when: { var: 'nope' } } })] }));
    expect(when.map((p) => p.path)).toEqual(['/workflows/0/start/when']);
    // Shape, names and duplicates.
    expect(await problemsOf(t.tenant.schema.publish({ objects, workflows: [workflow(), workflow()] }))).toEqual([
      { code: 'NAME_DUPLICATE', path: '/workflows/1/id' },
      { code: 'NAME_DUPLICATE', path: '/workflows/1/name' },
    ]);
    const shape = await problemsOf(t.tenant.schema.publish({ objects, workflows: [{ name: 'x', object: 'quote' }] }));
    expect(shape.every((p) => p.code === 'METADATA_INVALID' && p.path.startsWith('/workflows/0'))).toBe(true);
    // Diagram problems and metadata problems come together.
    const both = await problemsOf(t.tenant.schema.publish({ objects, workflows: [workflow({ bpmn: '<x', statusField: 'title' })] }));
    expect(both).toEqual([
      { code: 'WORKFLOW_BPMN_INVALID', path: '/workflows/0/bpmn' },
      { code: 'WORKFLOW_STATUS_FIELD_INVALID', path: '/workflows/0/statusField' },
    ]);
    // The dry run checks the same.
    expect((await failure(t.tenant.schema.plan({ objects, workflows: [workflow({ bpmn: '<x' })] }))).code).toBe('METADATA_INVALID');
  });

  it("checks a service task's actions as automation actions and stores them with field ids", async () => {
    const service = (values: unknown) =>
      `<bpmn:serviceTask id="mark" tg:actions="${attr([{ id: 'set', kind: 'updateRecord', target: { kind: 'self' }, values }])}" />`;
    const withService = (values: unknown) =>
      diagram({ extra: service(values) })
        .replace('targetRef="end" />\n    <bpmn:userTask id="finance"', 'targetRef="mark" />\n    <bpmn:userTask id="finance"')
        .replace('<bpmn:endEvent id="end" />', '<bpmn:sequenceFlow id="f_mark" sourceRef="mark" targetRef="end" /><bpmn:endEvent id="end" />');
    const rev = await t.tenant.schema.publish({ objects, workflows: [workflow({ bpmn: withService([{ field: 'title', value: 'checked' }]) })] });
    const title = rev.metadata.objects[0]?.fields.find((f) => f.name === 'title');
    const mark = rev.metadata.workflows[0]?.process.nodes.find((n) => n.id === 'mark');
    expect(mark).toMatchObject({ kind: 'serviceTask', actions: [{ id: 'set', kind: 'updateRecord', values: [{ field: title?.id, value: 'checked' }] }] });
    const bad = await problemsOf(t.tenant.schema.publish({ objects, workflows: [workflow({ bpmn: withService([{ field: 'margin', value: 1 }]) })] }));
    expect(bad).toEqual([{ code: 'FIELD_NOT_FOUND', path: '/workflows/0/bpmn/mark/actions/0/values/0/field' }]);
    // An automation action a service task does not run is refused at publish, not when a token reaches it.
    const mail = diagram({
      extra: `<bpmn:serviceTask id="mark" tg:actions="${attr([{ id: 'mail', kind: 'email', to: [{ kind: 'owner' }], subject: { 'zh-CN': '已审批' }, body: { 'zh-CN': '报价已审批' } }])}" />`,
    })
      .replace('targetRef="end" />\n    <bpmn:userTask id="finance"', 'targetRef="mark" />\n    <bpmn:userTask id="finance"')
      .replace('<bpmn:endEvent id="end" />', '<bpmn:sequenceFlow id="f_mark" sourceRef="mark" targetRef="end" /><bpmn:endEvent id="end" />');
    expect(await problemsOf(t.tenant.schema.publish({ objects, workflows: [workflow({ bpmn: mail })] }))).toEqual([
      { code: 'WORKFLOW_INVALID', path: '/workflows/0/bpmn/mark/actions/0/kind' },
    ]);
  });

  it('loads a revision stored before workflows existed, and takes the section in the draft', async () => {
    const rev = await t.tenant.schema.publish({ objects });
    const stored = JSON.parse(JSON.stringify(rev.metadata));
    delete stored.workflows;
    await sql`update ${sql.id(t.tenant.tenant.schema, '_meta_revision')} set metadata = ${JSON.stringify(stored)} where id = ${rev.id}`.execute(
      t.engine.database.db,
    );
    expect((await t.tenant.schema.revision(rev.id)).metadata.workflows).toEqual([]);
    await t.tenant.schema.saveDraft({ objects, workflows: [workflow()] }, rev.id);
    expect(((await t.tenant.schema.draft()).metadata as { workflows: unknown[] }).workflows).toHaveLength(1);
    const published = await t.tenant.schema.publishDraft();
    expect(published.metadata.workflows[0]?.process.nodes).toHaveLength(5);
  });
});
