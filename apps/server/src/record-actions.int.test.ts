import { backends } from '@tangram/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessWorld, buildAccessWorld } from './testing/access-fixture';
import { type TestServer, setupServer } from './testing/harness';

// Record actions (buttons) over HTTP: publish checks, who sees and runs them, one transaction,
// 查重 reuse, idempotency, and the history's `via`.

const objects = [
  {
    name: 'account',
    fields: [
      { name: 'name', type: 'text', required: true },
      { name: 'source_lead', type: 'lookup', options: { target: 'lead' } },
    ],
    duplicateRules: [{ id: 'dup_name', field: 'name', match: 'company' }],
  },
  {
    name: 'contact',
    fields: [
      { name: 'name', type: 'text', required: true },
      { name: 'account', type: 'lookup', options: { target: 'account' } },
    ],
  },
  {
    name: 'deal',
    fields: [
      { name: 'title', type: 'text', required: true },
      { name: 'account', type: 'lookup', options: { target: 'account' } },
      { name: 'amount', type: 'decimal' },
    ],
    validationRules: [{ id: 'amount_positive', rule: { or: [{ '==': [{ var: 'amount' }, null] }, { '>=': [{ var: 'amount' }, 0] }] }, message: 'amount ≥ 0' }],
  },
  {
    name: 'lead',
    fields: [
      { name: 'company', type: 'text', required: true },
      { name: 'person', type: 'text', required: true },
      { name: 'priority', type: 'text' },
      { name: 'status', type: 'select', options: { options: [{ key: 'new' }, { key: 'converted' }] } },
      { name: 'account', type: 'lookup', options: { target: 'account' } },
      { name: 'contact', type: 'lookup', options: { target: 'contact' } },
      { name: 'deal', type: 'lookup', options: { target: 'deal' } },
    ],
  },
];

const convert = {
  name: 'convert',
  object: 'lead',
  label: { 'zh-CN': '转换', en: 'Convert' },
  condition: { '!=': [{ var: 'status' }, 'converted'] },
  confirm: '确定转换？',
  input: [
    { name: 'with_deal', type: 'boolean', defaultValue: true },
    { name: 'amount', type: 'decimal' },
  ],
  actions: [
    {
      id: 'account',
      kind: 'createRecord',
      object: 'account',
      as: 'account',
      dedupe: true,
      values: [
        { field: 'name', formula: { var: 'company' } },
        { field: 'source_lead', formula: { var: 'id' } },
      ],
    },
    {
      id: 'contact',
      kind: 'createRecord',
      object: 'contact',
      as: 'contact',
      values: [
        { field: 'name', formula: { var: 'person' } },
        { field: 'account', formula: { var: '$created.account' } },
      ],
    },
    {
      id: 'deal',
      kind: 'createRecord',
      object: 'deal',
      as: 'deal',
      when: { var: '$input.with_deal' },
      values: [
        { field: 'title', formula: { cat: [{ var: 'company' }, ' deal'] } },
        { field: 'account', formula: { var: '$created.account' } },
        { field: 'amount', formula: { var: '$input.amount' } },
      ],
    },
    {
      id: 'mark',
      kind: 'updateRecord',
      target: { kind: 'self' },
      values: [
        { field: 'status', value: 'converted' },
        { field: 'account', formula: { var: '$created.account' } },
        { field: 'contact', formula: { var: '$created.contact' } },
        { field: 'deal', formula: { var: '$created.deal' } },
      ],
    },
  ],
};

const escalate = {
  name: 'escalate',
  object: 'lead',
  roles: ['vip'],
  actions: [
    { id: 'set', kind: 'updateRecord', target: { kind: 'self' }, values: [{ field: 'priority', value: 'high' }] },
    { id: 'tell', kind: 'notify', to: [{ kind: 'owner' }], title: { 'zh-CN': '线索已升级', en: 'Lead escalated' } },
  ],
};

const app = { name: 'actions_test', objects, recordActions: [convert, escalate] };

type Json = Record<string, any>;

describe.each(await backends())('record actions over HTTP on %s', (backend) => {
  let s: TestServer;
  let w: AccessWorld;
  const url = (object: string, id?: string) => `${w.base}/objects/${object}/records${id ? `/${id}` : ''}`;
  const publish = (metadata: unknown) => s.as(w.admin, { method: 'POST', url: `${w.base}/metadata/publish`, payload: { metadata } });
  const lead = async (owner: 'alice' | 'bob' | 'carol', company: string) => (await w.create('lead', owner, { company, person: '张三', status: 'new' })).id;
  const count = async (object: string) => (await s.as(w.admin, { url: `${url(object)}?count=true&limit=1` })).json().total as number;

  beforeAll(async () => {
    s = await setupServer(backend);
    w = await buildAccessWorld(s);
    const published = await publish(app);
    expect(published.statusCode, published.body).toBe(201);
    const own = { create: true, read: 'own', update: 'own', delete: 'own' };
    await w.putRole({ name: 'rep', objects: { lead: own, account: own, contact: own, deal: own } });
    await w.putRole({ name: 'vip', objects: {} });
    await w.putRole({ name: 'reader', objects: { lead: { read: 'all' }, account: { read: 'all' } } });
    await w.assign('alice', ['rep']);
    await w.assign('carol', ['rep', 'vip']);
    await w.assign('bob', ['reader']);
  });
  afterAll(() => s.close());

  describe('publish checks', () => {
    const bad = async (change: (a: Json) => void) => {
      const a = structuredClone(app) as Json;
      change(a.recordActions[0]);
      const res = await publish(a);
      expect(res.statusCode, res.body).toBe(400);
      return (res.json().error.details.problems as Json[]).map((p) => ({ code: p.code, path: p.path }));
    };

    it.each(['name', 'object', 'actions'])('refuses a record action without %s', async (prop) => {
      const problems = await bad((a) => delete a[prop]);
      expect(problems).toContainEqual({ code: 'METADATA_INVALID', path: '/recordActions/0' });
    });

    it.each([
      ['createRecord', ['object', 'values']],
      ['updateRecord', ['target', 'values']],
      ['notify', ['to', 'title']],
      ['webhook', ['url']],
    ] as const)('refuses a %s step without each property it needs', async (kind, props) => {
      const full: Json = {
        id: 'x',
        kind,
        object: 'account',
        target: { kind: 'self' },
        values: [{ field: kind === 'createRecord' ? 'name' : 'priority', value: 'v' }],
        to: [{ kind: 'owner' }],
        title: 'hi',
        url: 'https://example.com/hook',
      };
      for (const k of Object.keys(full)) if (!['id', 'kind', ...props].includes(k)) delete full[k];
      for (const prop of props) {
        const problems = await bad((a) => {
          const step = { ...full };
          delete step[prop];
          a.actions = [step];
        });
        expect(problems).toContainEqual({ code: 'RECORD_ACTION_INVALID', path: `/recordActions/0/actions/0/${prop}` });
      }
    });

    it.each([
      ['an "as" on an updateRecord step', (a: Json) => Object.assign(a.actions[3], { as: 'x' }), 'RECORD_ACTION_INVALID', '/recordActions/0/actions/3/as'],
      ['a $created name no earlier step gives', (a: Json) => a.actions.reverse(), 'RECORD_ACTION_REFERENCE_INVALID', '/recordActions/0/actions/0'],
      [
        'two steps with one "as"',
        (a: Json) => Object.assign(a.actions[1], { as: 'account' }),
        'RECORD_ACTION_REFERENCE_INVALID',
        '/recordActions/0/actions/1/as',
      ],
      [
        'a duplicate rule the object lacks',
        (a: Json) => Object.assign(a.actions[0], { dedupe: ['nope'] }),
        'RECORD_ACTION_INVALID',
        '/recordActions/0/actions/0/dedupe/0',
      ],
      [
        'a select input without options',
        (a: Json) => a.input.push({ name: 'pick', type: 'select' }),
        'RECORD_ACTION_INPUT_FIELD_INVALID',
        '/recordActions/0/input/2/options',
      ],
      [
        'an input named twice',
        (a: Json) => a.input.push({ name: 'amount', type: 'text' }),
        'RECORD_ACTION_INPUT_FIELD_INVALID',
        '/recordActions/0/input/2/name',
      ],
      ['a condition on an unknown field', (a: Json) => (a.condition = { '==': [{ var: 'nope' }, 1] }), 'RULE_FIELD_UNKNOWN', '/recordActions/0/condition'],
      ['a formula with an unknown variable', (a: Json) => (a.actions[2].when = { var: '$nope' }), 'RULE_FIELD_UNKNOWN', '/recordActions/0/actions/2/when'],
      [
        'a value written to an unknown field',
        (a: Json) => (a.actions[1].values[0].field = 'nope'),
        'FIELD_NOT_FOUND',
        '/recordActions/0/actions/1/values/0/field',
      ],
    ])('refuses %s', async (_what, change, code, path) => {
      const problems = await bad(change);
      expect(
        problems.some((p) => p.code === code && p.path.startsWith(path)),
        JSON.stringify(problems),
      ).toBe(true);
    });
  });

  it('lists the actions a member may run: edit access, role and condition decide', async () => {
    const id = await lead('alice', '杭州列表科技');
    const names = async (who: 'alice' | 'bob' | 'carol' | 'admin', rid: string) => {
      const res = await s.as(who === 'admin' ? w.admin : w.sessions[who], { url: `${url('lead', rid)}/actions` });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().actions as Json[]).map((a) => a.name);
    };
    expect(await names('alice', id)).toEqual(['convert']);
    expect(await names('bob', id)).toEqual([]);
    expect(await names('admin', id)).toEqual(['convert', 'escalate']);
    const carols = await lead('carol', '杭州角色科技');
    expect(await names('carol', carols)).toEqual(['convert', 'escalate']);
    const shown = (await s.as(w.sessions.alice, { url: `${url('lead', id)}/actions` })).json().actions[0];
    expect(shown).toMatchObject({
      name: 'convert',
      label: { 'zh-CN': '转换' },
      confirm: { en: '确定转换？' },
      input: [{ name: 'with_deal', type: 'boolean' }, { name: 'amount' }],
    });
  });

  it('refuses a member without edit access (403), a role-limited action (403), an unknown action (404)', async () => {
    const id = await lead('alice', '杭州拒绝科技');
    const run = (who: 'alice' | 'bob', action: string) =>
      s.as(w.sessions[who], { method: 'POST', url: `${url('lead', id)}/actions/${action}`, payload: { input: {} } });
    const bobs = await run('bob', 'convert');
    expect(bobs.statusCode).toBe(403);
    expect(bobs.json().error.code).toBe('RECORD_ACTION_FORBIDDEN');
    const role = await run('alice', 'escalate');
    expect(role.statusCode).toBe(403);
    expect(role.json().error.code).toBe('RECORD_ACTION_FORBIDDEN');
    const unknown = await run('alice', 'nope');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('RECORD_ACTION_NOT_FOUND');
    expect((await s.as(w.sessions.alice, { url: url('lead', id) })).json()).toMatchObject({ status: 'new', priority: null });
  });

  it('refuses input that does not fit the form, with the path of each value (422)', async () => {
    const id = await lead('alice', '杭州输入科技');
    const res = await s.as(w.sessions.alice, {
      method: 'POST',
      url: `${url('lead', id)}/actions/convert`,
      payload: { input: { with_deal: 'yes', amount: 'many', other: 1 } },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('RECORD_ACTION_INPUT_INVALID');
    expect((res.json().error.details.problems as Json[]).map((p) => p.path).sort()).toEqual(['/input/amount', '/input/other', '/input/with_deal']);
  });

  it('converts a lead: creates and links records both ways, writes history via the action, and refuses a second run', async () => {
    const id = await lead('alice', '杭州新建科技有限公司');
    const res = await s.as(w.sessions.alice, { method: 'POST', url: `${url('lead', id)}/actions/convert`, payload: { input: { amount: 5000 } } });
    expect(res.statusCode, res.body).toBe(200);
    const out = res.json();
    expect(out.created.map((c: Json) => [c.as, c.object, c.reused])).toEqual([
      ['account', 'account', false],
      ['contact', 'contact', false],
      ['deal', 'deal', false],
    ]);
    const [account, contact, deal] = out.created.map((c: Json) => c.id);
    const got = (await s.as(w.sessions.alice, { url: url('lead', id) })).json();
    expect(got).toMatchObject({ status: 'converted', account, contact, deal });
    expect((await s.as(w.sessions.alice, { url: url('account', account) })).json()).toMatchObject({ name: '杭州新建科技有限公司', source_lead: id });
    expect((await s.as(w.sessions.alice, { url: url('contact', contact) })).json()).toMatchObject({ name: '张三', account });
    expect((await s.as(w.sessions.alice, { url: url('deal', deal) })).json()).toMatchObject({ title: '杭州新建科技有限公司 deal', account, amount: 5000 });
    // Written as Alice (her records), each entry saying which action made it.
    const history = (await s.as(w.sessions.alice, { url: `${url('lead', id)}/history` })).json().entries as Json[];
    expect(history.at(-1)).toMatchObject({
      actor: w.ids.alice,
      via: { action: 'convert', depth: 0 },
      changes: { status: { before: 'new', after: 'converted' } },
    });
    for (const [object, rid] of [
      ['account', account],
      ['contact', contact],
      ['deal', deal],
    ])
      expect((await s.as(w.admin, { url: `${url(object, rid)}/history` })).json().entries[0]).toMatchObject({
        action: 'create',
        actor: w.ids.alice,
        via: { action: 'convert' },
      });

    const again = await s.as(w.sessions.alice, { method: 'POST', url: `${url('lead', id)}/actions/convert`, payload: {} });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('RECORD_ACTION_NOT_APPLICABLE');
    expect((await s.as(w.sessions.alice, { url: `${url('lead', id)}/actions` })).json().actions).toEqual([]);
  });

  it('reuses an existing account its duplicate rule finds (查重) and skips a step whose when is false', async () => {
    const existing = (await w.create('account', 'alice', { name: '宁波查重贸易有限公司' })).id;
    const id = await lead('alice', '宁波 查重贸易');
    const before = await count('account');
    const res = await s.as(w.sessions.alice, { method: 'POST', url: `${url('lead', id)}/actions/convert`, payload: { input: { with_deal: false } } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().created[0]).toMatchObject({ as: 'account', id: existing, reused: true });
    expect(res.json().skipped).toEqual(['deal']);
    expect(await count('account')).toBe(before);
    expect((await s.as(w.sessions.alice, { url: url('lead', id) })).json()).toMatchObject({ status: 'converted', account: existing, deal: null });
    // The reused account keeps its own origin.
    expect((await s.as(w.admin, { url: url('account', existing) })).json().source_lead).toBeNull();
  });

  it('runs two clicks at once once: the second waits for the first, then finds the lead converted', async () => {
    const id = await lead('alice', '常州并发科技');
    const before = await count('account');
    const click = () => s.as(w.sessions.alice, { method: 'POST', url: `${url('lead', id)}/actions/convert`, payload: { input: { with_deal: false } } });
    const answers = await Promise.all([click(), click()]);
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(answers.find((r) => r.statusCode === 409)?.json().error.code).toBe('RECORD_ACTION_NOT_APPLICABLE');
    expect(await count('account')).toBe(before + 1);
  });

  it('writes nothing when a later step fails: one transaction', async () => {
    const id = await lead('alice', '苏州回滚科技');
    const before = await Promise.all(['account', 'contact', 'deal'].map(count));
    const res = await s.as(w.sessions.alice, { method: 'POST', url: `${url('lead', id)}/actions/convert`, payload: { input: { amount: -1 } } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_RULE_FAILED');
    expect(await Promise.all(['account', 'contact', 'deal'].map(count))).toEqual(before);
    const got = (await s.as(w.sessions.alice, { url: url('lead', id) })).json();
    expect(got).toMatchObject({ status: 'new', account: null, version: 1 });
  });

  it('answers a repeat with the same Idempotency-Key with the first result, and refuses the key on another record', async () => {
    const id = await lead('carol', '无锡幂等科技');
    const run = (rid: string) =>
      s.as(w.sessions.carol, { method: 'POST', url: `${url('lead', rid)}/actions/escalate`, headers: { 'idempotency-key': 'k-1' }, payload: {} });
    const first = await run(id);
    expect(first.statusCode, first.body).toBe(200);
    const second = await run(id);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual({ ...first.json(), replayed: true });
    expect((await s.as(w.sessions.carol, { url: url('lead', id) })).json().version).toBe(2);
    // Its notify step told the lead's owner once, whatever the number of requests.
    expect(first.json().notified).toBe(1);
    const told = (await s.as(w.sessions.carol, { url: `${w.base}/notifications` })).json().notifications as Json[];
    expect(told.filter((n) => n.kind === 'action.escalate').map((n) => [n.title, n.link])).toEqual([['线索已升级', { object: 'lead', recordId: id }]]);
    const other = await run(await lead('carol', '无锡另一科技'));
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('RECORD_ACTION_KEY_REUSED');
  });
});
