import { backends } from '@tangram/engine/testing';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse, RouteOptions } from 'fastify';
import { build } from './app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessWorld, buildAccessWorld, type Person } from './testing/access-fixture';
import { type ApprovalClient, approvalClient, install } from './testing/approvals-fixture';
import { type TestServer, setupServer } from './testing/harness';

// The approval API over HTTP: every approval mode and operation, who may do what, what each
// caller sees (a step's hidden fields and the caller's unreadable ones never leave the server),
// the inbox with its pages and counts, and bulk approval.

const err = (res: LightMyRequestResponse) => res.json().error;
const paths = (res: LightMyRequestResponse) => (err(res).details?.problems ?? []).map((p: { path: string }) => p.path);

describe.each(await backends())('approvals over HTTP on %s', (backend) => {
  let s: TestServer;
  let w: AccessWorld;
  let a: ApprovalClient;
  let n = 0;
  /** A new deal of alice's (each instance gets its own record). */
  const deal = async (title = `华东框架协议 ${++n}`) => (await w.create('deal', 'alice', { title, amount: 1000, cost: 600, secret_note: `机密-${n}` })).id;
  const submitted = async (workflow: string, who: Person = 'alice', record?: string) => {
    const res = await a.submit(who, workflow, record ?? (await deal()));
    if (res.statusCode !== 201) throw new Error(`submit ${workflow}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const ok = async (res: Promise<LightMyRequestResponse> | LightMyRequestResponse) => {
    const r = await res;
    if (r.statusCode >= 300) throw new Error(`${r.statusCode} ${r.body}`);
    return r.json();
  };
  const open = (inst: { tasks: { status: string; assignee: { name: string }; node: string }[] }) =>
    inst.tasks
      .filter((t) => t.status === 'open')
      .map((t) => `${t.node}:${t.assignee.name}`)
      .sort();

  beforeAll(async () => {
    s = await setupServer(backend);
    w = await buildAccessWorld(s);
    await w.putRole({ name: 'rep', objects: { deal: { create: true, read: 'own', update: 'own' } } });
    await w.putRole({ name: 'approver', objects: { deal: { read: 'own', fields: { cost: 'hidden' } } } });
    await w.putRole({ name: 'reader', objects: { deal: { read: 'all' } } });
    await w.assign('alice', ['rep']);
    await w.assign('bob', ['rep']);
    await w.assign('mgr', ['approver']);
    await w.assign('carol', ['reader']);
    await install(s, w, [
      { name: 'any_of', steps: [{ id: 'review', name: '经理审批', mode: 'any', approvers: ['mgr', 'carol'] }] },
      { name: 'all_of', steps: [{ id: 'review', name: '会签', mode: 'all', approvers: ['mgr', 'carol', 'dave'] }] },
      { name: 'in_order', steps: [{ id: 'review', name: '依次审批', mode: 'sequential', approvers: ['mgr', 'carol'] }] },
      { name: 'two_of_three', steps: [{ id: 'review', name: '三取二', mode: 'ratio', ratio: 0.6, approvers: ['mgr', 'carol', 'dave'] }] },
      { name: 'reject_ends', steps: [{ id: 'review', name: '经理审批', approvers: ['mgr'] }] },
      {
        name: 'two_steps',
        steps: [
          { id: 'first', name: '经理审批', approvers: ['mgr'] },
          { id: 'second', name: '财务审批', approvers: ['carol'], onReject: 'submitter' },
        ],
      },
      {
        name: 'late_withdraw',
        withdrawAfterApproval: true,
        steps: [
          { id: 'first', name: '经理审批', approvers: ['mgr'] },
          { id: 'second', name: '财务审批', approvers: ['carol'] },
        ],
      },
      { name: 'hidden_title', steps: [{ id: 'review', name: '复核', approvers: ['bob'], fields: { title: 'hidden', amount: 'edit', secret_note: 'read' } }] },
      { name: 'stranger', steps: [{ id: 'review', name: '外部审批', approvers: ['dave'] }] },
      { name: 'switched_off', enabled: false, steps: [{ id: 'review', approvers: ['mgr'] }] },
    ]);
    a = approvalClient(s, w);
  });
  afterAll(() => s.close());

  describe('modes', () => {
    it('或签: the first approval decides; the other approver’s task is cancelled', async () => {
      const inst = await submitted('any_of');
      expect(inst).toMatchObject({ status: 'running', workflow: 'any_of', object: 'deal', submitter: { id: w.ids.alice, name: 'alice' } });
      expect(open(inst)).toEqual(['review:carol', 'review:mgr']);
      expect(inst.current).toEqual([{ node: 'review', name: '经理审批' }]);
      const done = await ok(a.act('mgr', inst.id, { kind: 'approve', comment: '同意' }));
      expect(done.status).toBe('approved');
      expect(done.tasks.map((t: { assignee: { name: string }; status: string }) => `${t.assignee.name}:${t.status}`).sort()).toEqual([
        'carol:cancelled',
        'mgr:approved',
      ]);
      expect(done.history.find((h: { what: string; comment?: string }) => h.what === 'approved' && h.comment === '同意')).toMatchObject({
        by: { name: 'mgr' },
        nodeName: '经理审批',
      });
      expect(done.current).toEqual([]);
    });

    it('会签: every approver must approve; one rejection rejects', async () => {
      const inst = await submitted('all_of');
      await ok(a.act('mgr', inst.id, { kind: 'approve' }));
      const mid = await ok(a.act('carol', inst.id, { kind: 'approve' }));
      expect(mid.status).toBe('running');
      expect(open(mid)).toEqual(['review:dave']);
      expect((await ok(a.act('dave', inst.id, { kind: 'approve' }))).status).toBe('approved');
      const other = await submitted('all_of');
      await ok(a.act('mgr', other.id, { kind: 'approve' }));
      expect((await ok(a.act('carol', other.id, { kind: 'reject', comment: '价格不对' }))).status).toBe('rejected');
    });

    it('依次: one approver at a time, in order', async () => {
      const inst = await submitted('in_order');
      expect(open(inst)).toEqual(['review:mgr']);
      const early = await a.act('carol', inst.id, {
        kind: 'approve',
        task: inst.tasks.find((t: { assignee: { name: string } }) => t.assignee.name === 'carol').id,
      });
      expect(early.statusCode).toBe(409);
      expect(err(early).code).toBe('WORKFLOW_TASK_CLOSED');
      expect(paths(early)).toEqual(['/task']);
      const mid = await ok(a.act('mgr', inst.id, { kind: 'approve' }));
      expect(open(mid)).toEqual(['review:carol']);
      expect((await ok(a.act('carol', inst.id, { kind: 'approve' }))).status).toBe('approved');
    });

    it('ratio: 2 of 3 approve passes, one rejection on the way does not fail it; two rejections do', async () => {
      const inst = await submitted('two_of_three');
      await ok(a.act('mgr', inst.id, { kind: 'approve' }));
      expect((await ok(a.act('carol', inst.id, { kind: 'reject' }))).status).toBe('running');
      expect((await ok(a.act('dave', inst.id, { kind: 'approve' }))).status).toBe('approved');
      const other = await submitted('two_of_three');
      await ok(a.act('mgr', other.id, { kind: 'reject' }));
      expect((await ok(a.act('carol', other.id, { kind: 'reject' }))).status).toBe('rejected');
    });
  });

  describe('operations', () => {
    it('reject ends the approval when the step says so', async () => {
      const inst = await submitted('reject_ends');
      const done = await ok(a.act('mgr', inst.id, { kind: 'reject', comment: '不批' }));
      expect(done.status).toBe('rejected');
      expect(done.can).toMatchObject({ approve: false, withdraw: false, resubmit: false });
      const again = await a.act('mgr', inst.id, { kind: 'approve', task: done.tasks[0].id });
      expect(err(again).code).toBe('WORKFLOW_NOT_RUNNING');
    });

    it('reject back to the submitter, who resubmits: it starts again at the first step', async () => {
      const inst = await submitted('two_steps');
      await ok(a.act('mgr', inst.id, { kind: 'approve' }));
      const back = await ok(a.act('carol', inst.id, { kind: 'reject', comment: '补充附件' }));
      expect(back.status).toBe('returned');
      const mine = await ok(a.get('alice', inst.id));
      // 撤回 after an approval stays refused where the process does not allow it.
      expect(mine.can).toMatchObject({ resubmit: true, withdraw: false, approve: false });
      expect(mine.can.myTask).toEqual(expect.any(String));
      const todo = await ok(a.call(w.sessions.alice, 'GET', '/approvals/inbox?box=todo'));
      expect(todo.items.map((x: { instance: string }) => x.instance)).toContain(inst.id);
      const again = await ok(a.act('alice', inst.id, { kind: 'resubmit', comment: '已补充' }));
      expect(again.status).toBe('running');
      expect(open(again)).toEqual(['first:mgr']);
      expect(again.history.map((h: { what: string }) => h.what)).toContain('resubmitted');
    });

    it('退回 to a step passed: its approver decides again; the targets are offered in can.returnTo', async () => {
      const inst = await submitted('two_steps');
      await ok(a.act('mgr', inst.id, { kind: 'approve' }));
      const seen = await ok(a.get('carol', inst.id));
      expect(seen.can.returnTo).toEqual([{ node: 'first', name: '经理审批' }]);
      const bad = await a.act('carol', inst.id, { kind: 'return', to: 'second' });
      expect(err(bad).code).toBe('WORKFLOW_RETURN_INVALID');
      expect(paths(bad)).toEqual(['/to']);
      const back = await ok(a.act('carol', inst.id, { kind: 'return', to: 'first', comment: '请经理再看' }));
      expect(open(back)).toEqual(['first:mgr']);
    });

    it('加签 before: the signer decides first, then the task comes back; after: the step waits for the signer too', async () => {
      const inst = await submitted('two_steps');
      const before = await ok(a.act('mgr', inst.id, { kind: 'addSigner', signer: w.ids.bob, position: 'before' }));
      expect(open(before)).toEqual(['first:bob']);
      const back = await ok(a.act('bob', inst.id, { kind: 'approve' }));
      expect(open(back)).toEqual(['first:mgr']);
      const after = await ok(a.act('mgr', inst.id, { kind: 'addSigner', signer: w.ids.dave, position: 'after' }));
      expect(open(after)).toEqual(['first:dave']);
      expect(open(await ok(a.act('dave', inst.id, { kind: 'approve' })))).toEqual(['second:carol']);
      const self = await a.act('carol', inst.id, { kind: 'addSigner', signer: w.ids.carol, position: 'after' });
      expect(err(self).code).toBe('WORKFLOW_SIGNER_INVALID');
      expect(paths(self)).toEqual(['/signer']);
      const stranger = await a.act('carol', inst.id, { kind: 'addSigner', signer: '00000000-0000-4000-8000-000000000000', position: 'after' });
      expect(err(stranger).code).toBe('WORKFLOW_SIGNER_INVALID');
      expect(paths(stranger)).toEqual(['/signer']);
    });

    it('转交 hands the task to another member', async () => {
      const inst = await submitted('reject_ends');
      const moved = await ok(a.act('mgr', inst.id, { kind: 'transfer', to: w.ids.bob, comment: '出差中' }));
      expect(open(moved)).toEqual(['review:bob']);
      expect((await a.act('mgr', inst.id, { kind: 'approve', task: moved.tasks[0].id })).statusCode).toBe(409);
      expect((await ok(a.act('bob', inst.id, { kind: 'approve' }))).status).toBe('approved');
      const nobody = await a.act('mgr', (await submitted('reject_ends')).id, { kind: 'transfer', to: 'nobody' });
      expect(err(nobody).code).toBe('WORKFLOW_SIGNER_INVALID');
      expect(paths(nobody)).toEqual(['/to']);
    });

    it('撤回 before the first approval; after it only where the process allows', async () => {
      const early = await submitted('two_steps');
      expect((await ok(a.act('alice', early.id, { kind: 'withdraw', comment: '填错了' }))).status).toBe('withdrawn');
      const late = await submitted('two_steps');
      await ok(a.act('mgr', late.id, { kind: 'approve' }));
      expect((await ok(a.get('alice', late.id))).can.withdraw).toBe(false);
      const refused = await a.act('alice', late.id, { kind: 'withdraw' });
      expect(refused.statusCode).toBe(409);
      expect(err(refused).code).toBe('WORKFLOW_WITHDRAW_REFUSED');
      expect(paths(refused)).toEqual(['/kind']);
      const allowed = await submitted('late_withdraw');
      await ok(a.act('mgr', allowed.id, { kind: 'approve' }));
      expect((await ok(a.get('alice', allowed.id))).can.withdraw).toBe(true);
      expect((await ok(a.act('alice', allowed.id, { kind: 'withdraw' }))).status).toBe('withdrawn');
      const notMine = await a.act('mgr', (await submitted('two_steps')).id, { kind: 'withdraw' });
      expect(err(notMine).code).toBe('WORKFLOW_NOT_ASSIGNEE');
    });

    it('催办 by the submitter notifies the open tasks’ approvers; nobody else may', async () => {
      const inst = await submitted('reject_ends');
      const reminded = await ok(a.act('alice', inst.id, { kind: 'remind' }));
      expect(reminded.history.at(-1)).toMatchObject({ what: 'reminded', by: { name: 'alice' } });
      const note = await ok(a.call(w.sessions.mgr, 'GET', '/notifications'));
      expect(note.notifications.map((x: { kind: string }) => x.kind)).toContain('workflow.remind');
      const refused = await a.act('mgr', inst.id, { kind: 'remind' });
      expect(refused.statusCode).toBe(403);
      expect(paths(refused)).toEqual(['/kind']);
    });

    it('comments by participants; an empty one is refused at its path', async () => {
      const inst = await submitted('reject_ends');
      const c = await ok(a.act('mgr', inst.id, { kind: 'comment', comment: '周一给答复' }));
      expect(c.history.at(-1)).toMatchObject({ what: 'commented', comment: '周一给答复', by: { name: 'mgr' } });
      const empty = await a.act('mgr', inst.id, { kind: 'comment' });
      expect(empty.statusCode).toBe(400);
      expect(paths(empty)).toEqual(['/comment']);
      const outsider = await a.act('carol', inst.id, { kind: 'comment', comment: '路过' });
      expect(err(outsider).code).toBe('WORKFLOW_NOT_ASSIGNEE');
    });

    it('抄送: the copy is in 抄送我, counted unread until the member reads the instance', async () => {
      const inst = await submitted('reject_ends');
      const bad = await a.act('mgr', inst.id, { kind: 'cc', users: [w.ids.bob, 'not-a-member'] });
      expect(bad.statusCode).toBe(400);
      expect(paths(bad)).toEqual(['/users/1']);
      const before = (await ok(a.call(w.sessions.bob, 'GET', '/approvals/counts'))).cc;
      await ok(a.act('mgr', inst.id, { kind: 'cc', users: [w.ids.bob], comment: '知悉' }));
      expect((await ok(a.call(w.sessions.bob, 'GET', '/approvals/counts'))).cc).toBe(before + 1);
      const box = await ok(a.call(w.sessions.bob, 'GET', '/approvals/inbox?box=cc'));
      expect(box.items[0]).toMatchObject({ instance: inst.id, workflow: 'reject_ends', status: 'running', unread: true, submitter: { name: 'alice' } });
      const seen = await ok(a.get('bob', inst.id));
      expect(seen.can).toMatchObject({ approve: false, comment: false });
      expect((await ok(a.call(w.sessions.bob, 'GET', '/approvals/counts'))).cc).toBe(before);
    });
  });

  describe('rights and what leaves the server', () => {
    it('submitting needs the update right on the record', async () => {
      const record = await deal();
      expect(err(await a.submit('dave', 'any_of', record)).code).toBe('RECORD_NOT_FOUND');
      expect(err(await a.submit('bob', 'any_of', record)).code).toBe('RECORD_NOT_FOUND');
      const reader = await a.submit('carol', 'any_of', record);
      expect(reader.statusCode).toBe(403);
      expect(err(reader).code).toBe('FORBIDDEN');
      const unknown = await a.submit('alice', 'nope', record);
      expect(unknown.statusCode).toBe(404);
      expect(err(unknown).code).toBe('WORKFLOW_NOT_FOUND');
      expect(paths(unknown)).toEqual(['/workflow']);
      expect(err(await a.submit('alice', 'switched_off', record)).code).toBe('WORKFLOW_DISABLED');
      await submitted('any_of', 'alice', record);
      const twice = await a.submit('alice', 'any_of', record);
      expect(twice.statusCode).toBe(409);
      expect(paths(twice)).toEqual(['/workflow']);
    });

    it('lists the workflows a member may start: none for a member without rights', async () => {
      const names = (await ok(a.call(w.sessions.alice, 'GET', '/workflows'))).items.map((x: { name: string }) => x.name);
      expect(names).toContain('two_steps');
      expect(names).not.toContain('switched_off');
      expect((await ok(a.call(w.sessions.dave, 'GET', '/workflows'))).items).toEqual([]);
    });

    it('an approver who cannot read the record sees the approval; a member with no part gets 404 with nothing in it', async () => {
      const record = await deal('极密项目：华南电网');
      const inst = await submitted('reject_ends', 'alice', record);
      expect((await a.call(w.sessions.mgr, 'GET', `/objects/deal/records/${record}`)).statusCode).toBe(404);
      const seen = await ok(a.get('mgr', inst.id));
      expect(seen.recordTitle).toBe('极密项目：华南电网');
      expect(seen.can).toMatchObject({ approve: true, reject: true, addSigner: true, transfer: true, withdraw: false });
      for (const who of ['dave', 'bob'] as const) {
        const res = await a.get(who, inst.id);
        expect(res.statusCode).toBe(404);
        expect(err(res).code).toBe('WORKFLOW_INSTANCE_NOT_FOUND');
        expect(res.body).not.toContain(record);
        expect(res.body).not.toContain('极密');
        expect(err(await a.act(who, inst.id, { kind: 'comment', comment: 'x' })).code).toBe('WORKFLOW_INSTANCE_NOT_FOUND');
        expect((await a.call(w.sessions[who], 'GET', `/records/deal/${record}/approvals`)).statusCode).toBe(404);
      }
      expect(err(await a.get('dave', 'not-an-id')).code).toBe('WORKFLOW_INSTANCE_NOT_FOUND');
      const list = await ok(a.call(w.sessions.carol, 'GET', `/records/deal/${record}/approvals`));
      expect(list.items).toEqual([expect.objectContaining({ id: inst.id, status: 'running', recordTitle: '极密项目：华南电网' })]);
      expect(list.items[0]).not.toHaveProperty('history');
    });

    it('fields the step hides never reach its approver, nor in the inbox; values only for the fields it lets them edit', async () => {
      const record = await deal('隐藏标题的报价');
      const inst = await submitted('hidden_title', 'alice', record);
      const seen = await a.get('bob', inst.id);
      expect(seen.statusCode).toBe(200);
      expect(seen.json().recordTitle).toBeNull();
      expect(seen.json().can.editable).toEqual(['amount']);
      expect(seen.body).not.toContain('隐藏标题的报价');
      const todo = await a.call(w.sessions.bob, 'GET', '/approvals/inbox?box=todo');
      expect(todo.json().items.find((x: { instance: string }) => x.instance === inst.id)).toMatchObject({ recordTitle: null, nodeName: '复核' });
      expect(todo.body).not.toContain('隐藏标题的报价');
      const refused = await a.act('bob', inst.id, { kind: 'approve', values: { cost: 1, title: 'x' } });
      expect(refused.statusCode).toBe(403);
      expect(paths(refused).sort()).toEqual(['/values/cost', '/values/title']);
      expect((await ok(a.get('alice', inst.id))).recordTitle).toBe('隐藏标题的报价');
      const approved = await ok(a.act('bob', inst.id, { kind: 'approve', values: { amount: 2500 } }));
      expect(approved.status).toBe('approved');
      expect((await ok(a.call(w.admin, 'GET', `/objects/deal/records/${record}`))).amount).toBe(2500);
    });

    it('an approver whose roles read nothing of the object sees no title', async () => {
      const inst = await submitted('stranger', 'alice', await deal('不给外人看的标题'));
      const seen = await a.get('dave', inst.id);
      expect(seen.json()).toMatchObject({ recordTitle: null, can: { approve: true } });
      expect(seen.body).not.toContain('不给外人看的标题');
    });

    it('every approval route: 401 without credentials, 404 to another tenant’s admin, nothing of a record to a member with no part in it', async () => {
      const routes: { method: string; url: string }[] = [];
      const app: FastifyInstance = await build({
        engine: s.engine,
        onRoute: (r: RouteOptions) => {
          for (const method of [r.method].flat())
            if (/\/(workflows|approvals)(\/|$)/.test(r.url) && method !== 'HEAD' && !routes.some((x) => x.method === method && x.url === r.url))
              routes.push({ method, url: r.url });
        },
      });
      await app.ready();
      await app.close();
      expect(routes).toHaveLength(8);
      const other = `${s.tenant}x`;
      await s.createTenant(other);
      const foreign = await s.engine.identity.createUser({ email: `foreign@${s.domain}`, name: 'foreign', password: 'foreign admin password' });
      await s.engine.identity.addMember((await s.engine.tenant(other)).tenant, foreign, 'admin');
      const foreignAdmin = await s.login(`foreign@${s.domain}`, 'foreign admin password');
      const record = await deal('绝密：华北大单');
      const inst = await submitted('two_steps', 'alice', record);
      const request = (r: { method: string; url: string }, tenant = s.tenant): InjectOptions => {
        const url = r.url.replace(':tenant', tenant).replace(':object', 'deal').replace(':id/approvals', `${record}/approvals`).replace(':id', inst.id);
        const payload = url.endsWith('/approvals')
          ? { workflow: 'two_steps' }
          : url.endsWith('/bulk')
            ? { kind: 'approve', items: [{ instance: inst.id, task: inst.tasks[0].id }] }
            : url.endsWith('/actions')
              ? { kind: 'approve', task: inst.tasks[0].id }
              : undefined;
        return { method: r.method as 'GET', url: url.endsWith('/inbox') ? `${url}?box=todo` : url, ...(r.method === 'POST' ? { payload } : {}) };
      };
      const wrong: string[] = [];
      for (const r of routes) {
        const anon = await s.app.inject(request(r));
        if (anon.statusCode !== 401) wrong.push(`nobody ${r.method} ${r.url} → ${anon.statusCode}`);
        const outsider = await s.as(foreignAdmin, request(r));
        if (outsider.statusCode !== 404 || err(outsider).code !== 'TENANT_NOT_FOUND') wrong.push(`foreign admin ${r.method} ${r.url} → ${outsider.statusCode}`);
        const dave = await s.as(w.sessions.dave, request(r));
        // The record's id only where the caller gave it (a 404 names what was asked for).
        const echoed = String(request(r).url).includes(record);
        if (dave.statusCode >= 500 || dave.body.includes('绝密') || (!echoed && dave.body.includes(record)))
          wrong.push(`dave ${r.method} ${r.url} → ${dave.statusCode} ${dave.body.slice(0, 200)}`);
        if (r.url.includes(':id') && dave.statusCode !== 404) wrong.push(`dave ${r.method} ${r.url} → ${dave.statusCode}, not 404`);
      }
      expect(wrong).toEqual([]);
      const untouched = await ok(a.get('alice', inst.id));
      expect(untouched.history.map((h: { what: string }) => h.what)).toEqual(['submitted']);
    });

    it('bulk approve checks each item as a single approval would', async () => {
      const first = await submitted('reject_ends');
      const second = await submitted('reject_ends');
      const other = await submitted('stranger');
      const res = await ok(
        a.call(w.sessions.mgr, 'POST', '/approvals/bulk', {
          kind: 'approve',
          comment: '批量同意',
          items: [
            { instance: first.id, task: first.tasks[0].id },
            { instance: other.id, task: other.tasks[0].id },
            { instance: second.id, task: second.tasks[0].id },
            { instance: '00000000-0000-4000-8000-000000000000', task: 't1' },
            { instance: first.id, task: first.tasks[0].id },
          ],
        }),
      );
      expect(res.results.map((r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error?.code))).toEqual([
        'ok',
        'WORKFLOW_INSTANCE_NOT_FOUND',
        'ok',
        'WORKFLOW_INSTANCE_NOT_FOUND',
        'WORKFLOW_NOT_RUNNING',
      ]);
      expect((await ok(a.get('dave', other.id))).status).toBe('running');
      const bad = await a.call(w.sessions.mgr, 'POST', '/approvals/bulk', { kind: 'withdraw', items: [] });
      expect(bad.statusCode).toBe(400);
    });
  });

  describe('inbox', () => {
    it('pages 我发起的 with an opaque cursor that works only for its member', async () => {
      const bob: Person = 'bob';
      const mine: string[] = [];
      for (let i = 0; i < 5; i++) mine.push((await submitted('any_of', bob, (await w.create('deal', 'bob', { title: `bob 的报价 ${i}` })).id)).id);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await ok(a.call(w.sessions.bob, 'GET', `/approvals/inbox?box=mine&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`));
        seen.push(...page.items.map((x: { instance: string }) => x.instance));
        expect(page.items.length).toBeLessThanOrEqual(2);
        cursor = page.nextCursor;
        if (cursor) {
          expect(cursor).not.toContain(page.items[1].instance);
          expect(Buffer.from(cursor.replace(/^c1\./, ''), 'base64url').toString('latin1')).not.toContain(page.items[1].instance);
          const stolen = await a.call(w.sessions.alice, 'GET', `/approvals/inbox?box=mine&limit=2&cursor=${encodeURIComponent(cursor)}`);
          expect(err(stolen).code).toBe('CURSOR_INVALID');
          const otherBox = await a.call(w.sessions.bob, 'GET', `/approvals/inbox?box=cc&limit=2&cursor=${encodeURIComponent(cursor)}`);
          expect(err(otherBox).code).toBe('CURSOR_INVALID');
        }
        pages++;
      } while (cursor && pages < 10);
      expect(seen).toEqual([...mine].reverse());
      expect(new Set(seen).size).toBe(seen.length);
      expect((await a.call(w.sessions.bob, 'GET', '/approvals/inbox?box=nope')).statusCode).toBe(400);
    });

    it('待办 and 已办 of an approver, with the count of open tasks', async () => {
      const counts = await ok(a.call(w.sessions.mgr, 'GET', '/approvals/counts'));
      const inst = await submitted('reject_ends');
      expect((await ok(a.call(w.sessions.mgr, 'GET', '/approvals/counts'))).todo).toBe(counts.todo + 1);
      const todo = await ok(a.call(w.sessions.mgr, 'GET', '/approvals/inbox?box=todo&limit=1'));
      expect(todo.items[0]).toMatchObject({
        instance: inst.id,
        task: inst.tasks[0].id,
        node: 'review',
        nodeName: '经理审批',
        status: 'open',
        label: { 'zh-CN': '审批 reject_ends' },
      });
      await ok(a.act('mgr', inst.id, { kind: 'approve' }));
      expect((await ok(a.call(w.sessions.mgr, 'GET', '/approvals/counts'))).todo).toBe(counts.todo);
      const done = await ok(a.call(w.sessions.mgr, 'GET', '/approvals/inbox?box=done&limit=1'));
      expect(done.items[0]).toMatchObject({ instance: inst.id, status: 'approved' });
      const forAlice = await ok(a.call(w.sessions.alice, 'GET', '/approvals/inbox?box=todo'));
      expect(forAlice.items.every((x: { instance: string }) => x.instance !== inst.id)).toBe(true);
    });
  });
});
