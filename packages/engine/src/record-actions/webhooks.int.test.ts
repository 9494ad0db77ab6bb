import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '@tangram/net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { Engine, type TenantEngine } from '../engine';
import { ManualClock } from '../jobs/clock';
import { backends, openTestDatabase } from '../testing/databases';

// A record action's webhook step: queued in the action's transaction, sent after it commits,
// retried with the same Idempotency-Key; an action that fails queues nothing.

const secret = 'whsec-actions-1';

/** A receiver on 127.0.0.1 that answers 500 to the first call of each Idempotency-Key, then 200. */
function receiver() {
  const calls: { key: string; signature: string; body: string }[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const key = String(req.headers['idempotency-key']);
      const first = !calls.some((c) => c.key === key);
      calls.push({ key, signature: String(req.headers['tangram-signature']), body });
      res.statusCode = first ? 500 : 200;
      res.end(first ? 'try again' : '{"ok":true}');
    });
  });
  return { server, calls };
}

const app = (port: number) => ({
  objects: [
    {
      name: 'ticket',
      fields: [
        { name: 'title', type: 'text', required: true },
        { name: 'status', type: 'select', options: { options: [{ key: 'open' }, { key: 'closed' }] } },
        { name: 'hours', type: 'integer' },
      ],
      validationRules: [{ id: 'hours_positive', rule: { or: [{ '==': [{ var: 'hours' }, null] }, { '>': [{ var: 'hours' }, 0] }] }, message: 'hours > 0' }],
    },
  ],
  recordActions: [
    {
      name: 'close',
      object: 'ticket',
      condition: { '==': [{ var: 'status' }, 'open'] },
      input: [{ name: 'hours', type: 'integer' }],
      actions: [
        { id: 'hook', kind: 'webhook', url: `http://127.0.0.1:${port}/closed`, secretRef: 'ops' },
        {
          id: 'set',
          kind: 'updateRecord',
          target: { kind: 'self' },
          values: [
            { field: 'status', value: 'closed' },
            { field: 'hours', formula: { var: '$input.hours' } },
          ],
        },
      ],
    },
  ],
});

describe.each(await backends())('record action webhooks on %s', (backend) => {
  let database: Database;
  let engine: Engine;
  let t: TenantEngine;
  const clock = new ManualClock('2031-03-02T08:00:00Z');
  const hook = receiver();

  beforeAll(async () => {
    await new Promise<void>((r) => hook.server.listen(0, '127.0.0.1', r));
    const port = (hook.server.address() as AddressInfo).port;
    database = await openTestDatabase(backend);
    engine = await Engine.attach(database, { revisionCheckMs: 0, clock, outbound: { allowHosts: [`127.0.0.1:${port}`], secrets: { ops: secret } } });
    t = await engine.createTenant(`act${Date.now().toString(36)}${randomBytes(3).toString('hex')}`);
    await t.schema.publish(app(port));
  });
  afterAll(async () => {
    hook.server.close();
    if (backend === 'postgres') {
      await sql`drop schema if exists ${sql.id(t.tenant.schema)} cascade`.execute(database.db);
      await database.db.withSchema('platform').deleteFrom('tenant').where('id', '=', t.tenant.id).execute();
    }
    await engine.close();
  });

  it('sends the webhook once the action committed, retrying with the same key and a valid signature', async () => {
    const ticket = await t.records.create('ticket', { title: '打印机卡纸', status: 'open' });
    const done = await t.actions.run('ticket', ticket.id as string, 'close', { input: { hours: 2 } });
    expect(done.queued).toEqual(['hook']);
    expect(hook.calls).toHaveLength(0);
    await engine.jobs.runDue();
    clock.advance(11_000);
    await engine.jobs.runDue();
    expect(hook.calls).toHaveLength(2);
    expect(new Set(hook.calls.map((c) => c.key)).size).toBe(1);
    expect(hook.calls[0]?.key).toMatch(new RegExp(`^${t.tenant.id}:record-action:close:${ticket.id}:`));
    for (const c of hook.calls) expect(verifySignature(secret, c.body, c.signature, { now: clock.now() })).toBe(true);
    expect(verifySignature('another-secret', hook.calls[0]?.body ?? '', hook.calls[0]?.signature, { now: clock.now() })).toBe(false);
    expect(JSON.parse(hook.calls[1]?.body ?? '{}')).toMatchObject({
      action: 'close',
      step: 'hook',
      object: 'ticket',
      recordId: ticket.id,
      input: { hours: 2 },
    });
    clock.advance(60_000);
    await engine.jobs.runDue();
    expect(hook.calls).toHaveLength(2);
  });

  it("an approval's service task posts to a group robot once the command committed (a notice of the task it opens)", async () => {
    const boss = await engine.identity.createUser({
      email: `boss-${randomBytes(3).toString('hex')}@act.test.local`,
      name: '王总',
      password: 'long enough pw 1',
    });
    await engine.identity.addMember(t.tenant, boss, 'member');
    const port = (hook.server.address() as AddressInfo).port;
    const q = (v: unknown) => JSON.stringify(v).replaceAll('"', '&quot;');
    await t.schema.publish({
      ...app(port),
      workflows: [
        {
          name: 'ticket_approval',
          object: 'ticket',
          bpmn: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:tg="https://tangram.dev/schema/bpmn/1" id="d" targetNamespace="x">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s" />
    <bpmn:serviceTask id="tell" name="群通知" tg:actions="${q([{ id: 'say', kind: 'robot', provider: 'wecom', url: `http://127.0.0.1:${port}/robot`, message: '工单「{title}」待王总审批' }])}" />
    <bpmn:userTask id="boss" name="王总审批" tg:approvers="${q([{ kind: 'users', users: [boss.id] }])}" />
    <bpmn:endEvent id="e" />
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="tell" />
    <bpmn:sequenceFlow id="f2" sourceRef="tell" targetRef="boss" />
    <bpmn:sequenceFlow id="f3" sourceRef="boss" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>`,
        },
      ],
    } as never);
    const ticket = await t.records.create('ticket', { title: '服务器扩容', status: 'open' });
    const before = hook.calls.length;
    await t.workflows.submit('ticket', ticket.id as string, { workflow: 'ticket_approval' }, { actor: boss.id });
    await engine.jobs.runDue();
    clock.advance(11_000);
    await engine.jobs.runDue();
    // The receiver refuses each key's first call: sent twice with one key, the robot's text body.
    const calls = hook.calls.slice(before);
    expect(calls).toHaveLength(2);
    expect(new Set(calls.map((c) => c.key)).size).toBe(1);
    expect(JSON.parse(calls[1]?.body ?? '{}')).toEqual({ msgtype: 'text', text: { content: '工单「服务器扩容」待王总审批' } });
    await t.schema.publish(app(port));
  });

  it('queues nothing when a later step fails', async () => {
    const ticket = await t.records.create('ticket', { title: '网络中断', status: 'open' });
    const before = hook.calls.length;
    await expect(t.actions.run('ticket', ticket.id as string, 'close', { input: { hours: -1 } })).rejects.toMatchObject({ code: 'VALIDATION_RULE_FAILED' });
    clock.advance(60_000);
    await engine.jobs.runDue();
    expect(hook.calls).toHaveLength(before);
    expect((await t.records.get('ticket', ticket.id as string)).status).toBe('open');
  });
});
