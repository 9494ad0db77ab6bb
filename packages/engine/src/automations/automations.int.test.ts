import { randomBytes, randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AutomationInput } from '@tangram/metadata';
import { verifySignature } from '@tangram/net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { Engine, type TenantEngine } from '../engine';
import { ManualClock } from '../jobs/clock';
import { backends, openTestDatabase } from '../testing/databases';

const choice = (...keys: string[]) => ({ options: keys.map((key) => ({ key })) });
const secret = 'whsec-test-1';

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

function app(port: number): { objects: unknown[]; automations: AutomationInput[] } {
  return {
    objects: [
      {
        name: 'company',
        fields: [
          { name: 'name', type: 'text', required: true },
          { name: 'last_deal_at', type: 'datetime' },
          { name: 'region', type: 'text' },
        ],
      },
      {
        name: 'deal',
        fields: [
          { name: 'title', type: 'text', required: true },
          { name: 'amount', type: 'decimal' },
          { name: 'stage', type: 'select', options: choice('new', 'quote', 'won', 'lost') },
          { name: 'company', type: 'lookup', options: { target: 'company' } },
          { name: 'hits', type: 'integer' },
          { name: 'watcher', type: 'user' },
        ],
      },
      {
        name: 'task',
        fields: [
          { name: 'title', type: 'text', required: true },
          { name: 'source', type: 'text' },
        ],
      },
      { name: 'ping', fields: [{ name: 'n', type: 'integer' }] },
      {
        name: 'pong',
        fields: [
          { name: 'n', type: 'integer' },
          { name: 'ping', type: 'lookup', options: { target: 'ping' } },
        ],
      },
    ],
    automations: [
      { name: 'created_hits', object: 'deal', trigger: { kind: 'record.created' }, actions: [{ id: 'add', kind: 'addScore', field: 'hits', amount: 5 }] },
      {
        name: 'quote_task',
        object: 'deal',
        trigger: { kind: 'field.changed', fields: ['stage'], to: 'quote' },
        condition: { and: [{ '==': [{ var: '$previous.stage' }, 'new'] }, { '>=': [{ var: 'amount' }, 1000] }] },
        actions: [{ id: 'task', kind: 'createRecord', object: 'task', values: [{ field: 'title', formula: { cat: ['Prepare quote: ', { var: 'title' }] } }] }],
      },
      {
        name: 'touch_company',
        object: 'deal',
        trigger: { kind: 'record.updated' },
        condition: { '!=': [{ var: '$user.id' }, null] },
        actions: [
          { id: 'touch', kind: 'updateRecord', target: { kind: 'parent', field: 'company' }, values: [{ field: 'last_deal_at', formula: { var: '$now' } }] },
        ],
      },
      {
        name: 'deleted_task',
        object: 'deal',
        trigger: { kind: 'record.deleted' },
        actions: [
          {
            id: 'task',
            kind: 'createRecord',
            object: 'task',
            values: [
              { field: 'title', formula: { cat: ['Deleted: ', { var: 'title' }] } },
              { field: 'source', value: 'deleted' },
            ],
          },
        ],
      },
      {
        name: 'won_flow',
        object: 'deal',
        trigger: { kind: 'field.changed', fields: ['stage'], from: 'quote', to: 'won' },
        actions: [
          { id: 'bonus', kind: 'addScore', field: 'hits', amount: 100 },
          { id: 'hook', kind: 'webhook', url: `http://127.0.0.1:${port}/hook`, secretRef: 'crm' },
        ],
      },
      {
        name: 'lost_hook',
        object: 'deal',
        trigger: { kind: 'field.changed', fields: ['stage'], to: 'lost' },
        actions: [
          { id: 'bonus', kind: 'addScore', field: 'hits', amount: 1 },
          { id: 'hook', kind: 'webhook', url: 'http://169.254.169.254/latest/meta-data' },
        ],
      },
      {
        name: 'big_deal_alert',
        label: { 'zh-CN': '大单提醒' },
        object: 'deal',
        trigger: { kind: 'field.changed', fields: ['amount'] },
        condition: { '>': [{ var: 'amount' }, 100000] },
        actions: [
          {
            id: 'tell',
            kind: 'notify',
            to: [{ kind: 'owner' }, { kind: 'userField', field: 'watcher' }, { kind: 'ownerManager' }],
            title: { 'zh-CN': '大单：请跟进' },
            body: { 'zh-CN': '金额超过 100,000' },
          },
        ],
      },
      {
        name: 'task_bang',
        object: 'task',
        trigger: { kind: 'record.updated' },
        actions: [{ id: 'bang', kind: 'updateRecord', target: { kind: 'self' }, values: [{ field: 'title', formula: { cat: [{ var: 'title' }, '!'] } }] }],
      },
      {
        name: 'ping_to_pong',
        object: 'ping',
        trigger: { kind: 'record.updated' },
        actions: [
          {
            id: 'up',
            kind: 'updateRecord',
            target: { kind: 'children', object: 'pong', field: 'ping' },
            values: [{ field: 'n', formula: { '+': [{ var: 'n' }, 1] } }],
          },
        ],
      },
      {
        name: 'pong_to_ping',
        object: 'pong',
        trigger: { kind: 'record.updated' },
        actions: [{ id: 'up', kind: 'updateRecord', target: { kind: 'parent', field: 'ping' }, values: [{ field: 'n', formula: { '+': [{ var: 'n' }, 1] } }] }],
      },
    ],
  };
}

describe.each(await backends())('after-commit automations on %s', (backend) => {
  let database: Database;
  let engine: Engine;
  let t: TenantEngine;
  const clock = new ManualClock('2031-03-02T08:00:00Z');
  const hook = receiver();
  let port = 0;

  beforeAll(async () => {
    await new Promise<void>((r) => hook.server.listen(0, '127.0.0.1', r));
    port = (hook.server.address() as AddressInfo).port;
    database = await openTestDatabase(backend);
    engine = await Engine.attach(database, { revisionCheckMs: 0, clock, outbound: { allowHosts: [`127.0.0.1:${port}`], secrets: { crm: secret } } });
    t = await engine.createTenant(`auto${Date.now().toString(36)}${randomBytes(3).toString('hex')}`);
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

  const runs = (name: string) => t.automations.runs(name);

  it('record.created: adds to a score once, however often the jobs run', async () => {
    const deal = await t.records.create('deal', { title: 'D1', stage: 'new', amount: 10 });
    expect((await t.records.get('deal', deal.id as string)).hits).toBeNull();
    await engine.jobs.runDue();
    await engine.jobs.runDue();
    expect((await t.records.get('deal', deal.id as string)).hits).toBe(5);
    const [run] = await runs('created_hits');
    expect(run).toMatchObject({ status: 'succeeded', recordId: deal.id, depth: 1, actions: [{ id: 'add', status: 'done', result: { from: 0, to: 5 } }] });
    // The write is the automation's: "via created_hits" in the history and the event.
    const history = await t.records.history('deal', deal.id as string);
    expect(history.at(-1)).toMatchObject({ via: { automation: 'created_hits', depth: 1 }, changes: { hits: { before: null, after: 5 } } });
  });

  it('field.changed from → to with a condition on $previous: new → quote creates a task, lost → quote does not', async () => {
    const a = await t.records.create('deal', { title: 'Big', stage: 'new', amount: 5000 });
    const b = await t.records.create('deal', { title: 'Back', stage: 'lost', amount: 5000 });
    await engine.jobs.runDue();
    await t.records.update('deal', a.id as string, { stage: 'quote' });
    await t.records.update('deal', b.id as string, { stage: 'quote' });
    await engine.jobs.runDue();
    const tasks = await t.records.query('task', { filter: { in: [{ var: 'title' }, ['Prepare quote: Big', 'Prepare quote: Back']] } });
    expect(tasks.records.map((r) => r.title)).toEqual(['Prepare quote: Big']);
    expect((await runs('quote_task')).map((r) => r.recordId)).toEqual([a.id]);
  });

  it('record.updated with $user and $now: a person’s change touches the parent at the engine’s time, the system’s does not', async () => {
    const company = await t.records.create('company', { name: 'Acme' });
    const deal = await t.records.create('deal', { title: 'D2', stage: 'new', company: company.id });
    await engine.jobs.runDue();
    await t.records.update('deal', deal.id as string, { amount: 1 });
    await engine.jobs.runDue();
    expect((await t.records.get('company', company.id as string)).last_deal_at).toBeNull();
    const at = clock.advance(60_000);
    await t.records.update('deal', deal.id as string, { amount: 2 }, {}, { actor: randomUUID() });
    await engine.jobs.runDue();
    expect((await t.records.get('company', company.id as string)).last_deal_at).toBe(at.toISOString());
  });

  it('record.deleted: reads the record as it was', async () => {
    const deal = await t.records.create('deal', { title: 'Gone', stage: 'new' });
    await engine.jobs.runDue();
    await t.records.delete('deal', deal.id as string);
    await engine.jobs.runDue();
    const tasks = await t.records.query('task', { filter: { '==': [{ var: 'source' }, 'deleted'] } });
    expect(tasks.records.map((r) => r.title)).toEqual(['Deleted: Gone']);
  });

  it('a webhook answered 500 is retried with the same Idempotency-Key and a valid signature; the score before it is added once', async () => {
    const deal = await t.records.create('deal', { title: 'Win', stage: 'quote' });
    await engine.jobs.runDue();
    await t.records.update('deal', deal.id as string, { stage: 'won' });
    await engine.jobs.runDue();
    const [failed] = await runs('won_flow');
    expect(failed).toMatchObject({
      status: 'failed',
      actions: [
        { id: 'bonus', status: 'done' },
        { id: 'hook', status: 'failed' },
      ],
    });
    expect(failed?.error).toMatch(/^OUTBOUND_HTTP_STATUS/);
    expect((await t.records.get('deal', deal.id as string)).hits).toBe(105);
    clock.advance(3_600_000);
    await engine.jobs.runDue();
    const [done] = await runs('won_flow');
    expect(done).toMatchObject({
      id: failed?.id,
      status: 'succeeded',
      actions: [
        { id: 'bonus', already: true },
        { id: 'hook', status: 'done', result: { status: 200 } },
      ],
    });
    expect((await t.records.get('deal', deal.id as string)).hits).toBe(105);
    const mine = hook.calls.filter((c) => JSON.parse(c.body).record.id === deal.id);
    expect(mine).toHaveLength(2);
    expect(new Set(mine.map((c) => c.key)).size).toBe(1);
    expect(mine[0]?.key).toBe(`${t.tenant.id}:${failed?.eventId}:won_flow:hook`);
    // Each attempt signs at its own time (the header's t=…), by the engine's clock.
    for (const c of mine) expect(verifySignature(secret, c.body, c.signature, { now: new Date(Number(/t=(\d+)/.exec(c.signature)?.[1]) * 1000) })).toBe(true);
    expect(verifySignature('another-secret', mine[0]?.body ?? '', mine[0]?.signature)).toBe(false);
    expect(JSON.parse(mine[0]?.body ?? '{}')).toMatchObject({ automation: 'won_flow', event: 'record.updated', previous: { stage: 'quote' } });
  });

  it('a webhook to a refused address fails the run with OUTBOUND_ADDRESS_REFUSED; once dead, retry resumes at the failed action', async () => {
    const deal = await t.records.create('deal', { title: 'Lost', stage: 'new' });
    await engine.jobs.runDue();
    await t.records.update('deal', deal.id as string, { stage: 'lost' });
    for (let i = 0; i < 6; i++) {
      await engine.jobs.runDue();
      clock.advance(7_200_000);
    }
    const [run] = await runs('lost_hook');
    expect(run).toMatchObject({
      status: 'failed',
      actions: [
        { id: 'bonus', status: 'done' },
        { id: 'hook', status: 'failed' },
      ],
    });
    expect(run?.error).toMatch(/^OUTBOUND_ADDRESS_REFUSED/);
    expect((await engine.jobs.get(run?.jobId as number))?.state).toBe('dead');
    // Two retries at once (a double click): one puts the job back, the other is told it is not retryable.
    const twice = await Promise.allSettled([t.automations.retry('lost_hook', run?.id as number), t.automations.retry('lost_hook', run?.id as number)]);
    expect(twice.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(twice.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'AUTOMATION_RUN_NOT_RETRYABLE' } });
    await engine.jobs.runDue();
    const [again] = await runs('lost_hook');
    expect(again?.actions[0]).toMatchObject({ id: 'bonus', already: true });
    // 5 when it was created (created_hits), 1 by lost_hook's first action, once.
    expect((await t.records.get('deal', deal.id as string)).hits).toBe(6);
    await expect(t.automations.retry('lost_hook', 999_999)).rejects.toMatchObject({ code: 'AUTOMATION_RUN_NOT_FOUND' });
    // A page cursor past any run id is a bad input, not a bigint overflow.
    await expect(t.automations.runs('lost_hook', { before: 1e20 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(t.automations.retry('created_hits', (await runs('created_hits'))[0]?.id as number)).rejects.toMatchObject({
      code: 'AUTOMATION_RUN_NOT_RETRYABLE',
    });
  });

  it('notify: the owner, a user field and the owner’s manager get one notification each, however often the job runs; nobody else', async () => {
    const member = async (name: string, role: 'admin' | 'member' = 'member') => {
      const u = await engine.identity.createUser({ email: `${name}.${randomBytes(4).toString('hex')}@auto.test`, name, password: 'long enough pw 1' });
      await engine.identity.addMember(t.tenant, u, role);
      return u.id;
    };
    const [owner, watcher, boss, bystander] = [await member('owner'), await member('watcher'), await member('boss'), await member('bystander')];
    const dept = await t.org.createDepartment({ name: `销售 ${randomBytes(2).toString('hex')}`, headId: boss });
    await t.org.updateMember(owner, { departmentIds: [dept.id] });
    const deal = await t.records.create('deal', { title: 'Huge', stage: 'new', amount: 10, owner_id: owner, watcher });
    await engine.jobs.runDue();
    await t.records.update('deal', deal.id as string, { amount: 500000 });
    await engine.jobs.runDue();
    await engine.jobs.runDue();
    for (const who of [owner, watcher, boss]) {
      const page = await t.notifications.list(who, {});
      expect(
        page.notifications.filter((x) => x.source.id === 'big_deal_alert'),
        who,
      ).toMatchObject([{ kind: 'automation.big_deal_alert', title: '大单：请跟进', body: '金额超过 100,000', link: { object: 'deal', recordId: deal.id } }]);
    }
    expect((await t.notifications.list(bystander, {})).notifications).toEqual([]);
    const [run] = await runs('big_deal_alert');
    expect(run).toMatchObject({ status: 'succeeded', actions: [{ id: 'tell', status: 'done', result: { notified: 3 } }] });
  });

  it('a run that fails for good tells the tenant’s admins, once', async () => {
    const admin = await engine.identity.createUser({ email: `admin.${randomBytes(4).toString('hex')}@auto.test`, name: 'admin', password: 'long enough pw 1' });
    await engine.identity.addMember(t.tenant, admin, 'admin');
    const deal = await t.records.create('deal', { title: 'Lost again', stage: 'new' });
    await engine.jobs.runDue();
    await t.records.update('deal', deal.id as string, { stage: 'lost' });
    for (let i = 0; i < 7; i++) {
      await engine.jobs.runDue();
      clock.advance(7_200_000);
    }
    const mine = (await t.notifications.list(admin.id, {})).notifications.filter(
      (x) => x.kind === 'automation.failed' && x.link && 'recordId' in x.link && x.link.recordId === deal.id,
    );
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ source: { type: 'automation', id: 'lost_hook' } });
    expect(mine[0]?.body).toMatch(/OUTBOUND_ADDRESS_REFUSED/);
  });

  it('an automation’s own write does not trigger it again', async () => {
    const task = await t.records.create('task', { title: 'Call' });
    await engine.jobs.runDue();
    await t.records.update('task', task.id as string, { source: 'x' });
    await engine.jobs.runDue();
    await engine.jobs.runDue();
    expect((await t.records.get('task', task.id as string)).title).toBe('Call!');
  });

  it('a chain A → B → A stops at depth 5, and the run log says so', async () => {
    const ping = await t.records.create('ping', { n: 0 });
    const pong = await t.records.create('pong', { n: 0, ping: ping.id });
    await engine.jobs.runDue();
    await t.records.update('ping', ping.id as string, { n: 1 });
    await engine.jobs.runDue();
    expect((await t.records.get('ping', ping.id as string)).n).toBe(5);
    expect((await t.records.get('pong', pong.id as string)).n).toBe(6);
    const [cut] = await runs('pong_to_ping');
    expect(cut).toMatchObject({ status: 'skipped', depth: 6 });
    expect(cut?.error).toMatch(/deeper than 5/);
  });

  it('events dispatched twice (a lost acknowledgement) enqueue no second run', async () => {
    const deal = await t.records.create('deal', { title: 'Twice', stage: 'new' });
    await engine.jobs.runDue();
    // The acknowledgement was lost: the events are pending again.
    await sql`insert into ${sql.id(t.tenant.schema, '_outbox_pending')} (consumer, event_id)
      select 'automations', id from ${sql.id(t.tenant.schema, '_outbox')} where record_id = ${deal.id}`.execute(database.db);
    const again = await engine.automations.dispatch(t, 'another-dispatcher');
    expect(again.events).toBeGreaterThan(0);
    expect(again.runs).toBe(0);
    await engine.jobs.runDue();
    expect((await t.records.get('deal', deal.id as string)).hits).toBe(5);
  });

  it('two engines racing over one database make every effect once', async () => {
    const second = backend === 'postgres' ? await openTestDatabase(backend) : database;
    // Two processes of one installation: the same jobs.
    second.jobsNamespace = database.jobsNamespace;
    const other = await Engine.attach(second, { revisionCheckMs: 0, clock });
    const created = await t.records.bulkCreate(
      'deal',
      Array.from({ length: 30 }, (_, i) => ({ title: `R${i}`, stage: 'new' })),
    );
    await Promise.all([engine.jobs.runDue(), other.jobs.runDue(), engine.jobs.runDue()]);
    await engine.jobs.runDue();
    const rows = await t.records.query('deal', { filter: { in: [{ var: 'title' }, created.map((c) => c.title)] }, limit: 100 });
    expect(rows.records.map((r) => r.hits)).toEqual(created.map(() => 5));
    await other.jobs.stop();
    if (second !== database) await second.close();
  });

  it('assignOwner by round robin within a department and by a field’s value; a robot message in the provider’s shape', async () => {
    const users = [randomUUID(), randomUUID(), randomUUID()].sort();
    await sql`insert into ${sql.id(t.tenant.schema, '_user')} (id, name) values (${users[0]}, 'a'), (${users[1]}, 'b'), (${users[2]}, 'c')`.execute(
      database.db,
    );
    const sales = await t.org.createDepartment({ name: `Sales ${randomBytes(3).toString('hex')}` });
    for (const u of users.slice(0, 2)) await t.org.updateMember(u as string, { departmentIds: [sales.id] });
    const base = app(port);
    const region = (r: string) => ({ '==': [{ var: 'region' }, r] });
    await t.schema.publish({
      ...base,
      automations: [
        ...base.automations,
        {
          name: 'round_robin',
          object: 'company',
          trigger: { kind: 'record.created' },
          condition: region('rr'),
          actions: [{ id: 'assign', kind: 'assignOwner', strategy: { kind: 'roundRobin', department: sales.id } }],
        },
        {
          name: 'by_region',
          object: 'company',
          trigger: { kind: 'record.created' },
          condition: region('north'),
          actions: [{ id: 'assign', kind: 'assignOwner', strategy: { kind: 'mapping', field: 'region', map: { north: users[2] as string } } }],
        },
        {
          name: 'robot_says',
          object: 'company',
          trigger: { kind: 'record.created' },
          condition: region('robot'),
          actions: [{ id: 'say', kind: 'robot', provider: 'feishu', url: `http://127.0.0.1:${port}/robot`, message: '新客户 {name}' }],
        },
      ],
    });
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await t.records.create('company', { name: `RR${i}`, region: 'rr' }));
    const north = await t.records.create('company', { name: 'N', region: 'north' });
    const robo = await t.records.create('company', { name: `Robo${randomBytes(2).toString('hex')}`, region: 'robot' });
    await engine.jobs.runDue();
    const owners = await Promise.all(made.map(async (c) => (await t.records.get('company', c.id as string)).owner_id));
    // Runs go four at a time, so who got which record is not fixed; each took one turn.
    expect(owners.sort()).toEqual([users[0], users[0], users[1]].sort());
    expect((await t.records.get('company', north.id as string)).owner_id).toBe(users[2]);
    clock.advance(3_600_000);
    await engine.jobs.runDue();
    const said = hook.calls.filter((c) => c.body.includes(robo.name as string));
    expect(said).toHaveLength(2);
    expect(JSON.parse(said[1]?.body ?? '{}')).toEqual({ msg_type: 'text', content: { text: `新客户 ${robo.name}` } });
    expect((await runs('robot_says'))[0]).toMatchObject({ status: 'succeeded', actions: [{ id: 'say', status: 'done', result: { status: 200 } }] });
  });

  it('refuses the run log of an unknown automation', async () => {
    await expect(t.automations.runs('nope')).rejects.toMatchObject({ code: 'AUTOMATION_NOT_FOUND' });
  });
});
