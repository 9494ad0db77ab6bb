import { backends } from '@tangram/engine/testing';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from './app';
import { type AccessWorld, accessApp, buildAccessWorld } from './testing/access-fixture';
import { type Session, type TestServer, setupServer } from './testing/harness';

// An outsider's pass over the routes of issue 14 (mail settings, the dev mailbox, record actions,
// automations: dry run, run log, retry; notifications), by kind of caller: a member without the
// designer or admin rights, a designer whose field access hides fields, a designer whose scope
// leaves records out, an admin of another tenant, nobody. Each family's routes are taken from the
// server itself, so a route added later is attacked too.

// Values only hidden fields (or records outside the caller's scope) hold: alice's deal hides its
// cost, note and margin from the rep and the hidden-field designer; its title, and alice's
// contract's, are outside the own-scope designer's scope.
const secretCost = 777.25;
const secretNote = '绝密底价XJ9';
const secretTitle = '华东绝密大单QZ7';
const hiddenValues = [String(secretCost), secretNote, String(1000 - secretCost)];
const secretsOf: Record<string, string[]> = {
  rep: hiddenValues,
  'hidden designer': hiddenValues,
  'malformed (designer)': hiddenValues,
  'own designer': [...hiddenValues, secretTitle],
  'other tenant admin': [...hiddenValues, secretTitle],
  nobody: [...hiddenValues, secretTitle],
  'tenant token': [],
};

const families = /\/(automations|mail|dev-mailbox|notifications)(\/|$)|\/records\/:id\/actions(\/|$)/;

const markAction = {
  name: 'mark',
  object: 'deal',
  label: { en: 'Mark' },
  input: [{ name: 'note', type: 'text' }],
  actions: [
    { id: 'set', kind: 'updateRecord', target: { kind: 'self' }, values: [{ field: 'region', formula: { var: '$input.note' } }] },
    { id: 'tell', kind: 'notify', to: [{ kind: 'owner' }], title: { en: 'marked' } },
  ],
};

/** A draft automation on `object` with one action (every kind the dry run plans, and each target). */
const draft = (object: string, action: Record<string, unknown>) => ({
  name: 'probe',
  object,
  trigger: { kind: 'record.updated' },
  actions: [{ id: 'a', ...action }],
});

const publishedProbe = {
  name: 'published_probe',
  object: 'deal',
  trigger: { kind: 'record.updated', timing: 'beforeSave' },
  actions: [{ id: 'x', kind: 'setFields', values: [{ field: 'stage', value: 'new' }] }],
};

const dealActions: Record<string, unknown>[] = [
  { kind: 'updateRecord', target: { kind: 'self' }, values: [{ field: 'cost', value: 1 }] },
  { kind: 'updateRecord', target: { kind: 'self' }, values: [{ field: 'amount', value: 2000 }] },
  { kind: 'updateRecord', target: { kind: 'self' }, values: [{ field: 'region', formula: { var: 'cost' } }] },
  { kind: 'updateRecord', target: { kind: 'children', object: 'contract', field: 'deal' }, values: [{ field: 'title', value: 'renamed' }] },
  { kind: 'addScore', field: 'cost', amount: 1 },
  { kind: 'addScore', field: 'amount', amount: 1 },
  {
    kind: 'createRecord',
    object: 'deal',
    values: [
      { field: 'title', value: 'copy' },
      { field: 'cost', formula: { var: 'cost' } },
    ],
  },
  {
    kind: 'createRecord',
    object: 'contract',
    values: [
      { field: 'title', value: 'c' },
      { field: 'deal', formula: { var: 'id' } },
    ],
  },
  { kind: 'notify', to: [{ kind: 'owner' }], title: { en: '{cost}' }, body: { en: '{secret_note}' } },
  { kind: 'email', to: [{ kind: 'owner' }], subject: { en: '{cost}' }, body: { en: '{secret_note} {title}' } },
  { kind: 'webhook', url: 'https://hooks.example.com/x' },
  { kind: 'robot', provider: 'wecom', url: 'https://hooks.example.com/r', message: { en: '{cost} {secret_note} {title}' } },
];
const contractActions: Record<string, unknown>[] = [
  { kind: 'updateRecord', target: { kind: 'parent', field: 'deal' }, values: [{ field: 'region', value: 'x' }] },
  { kind: 'updateRecord', target: { kind: 'parent', field: 'deal' }, values: [{ field: 'amount', value: 5 }] },
  { kind: 'addScore', target: { kind: 'parent', field: 'deal' }, field: 'amount', amount: 1 },
  { kind: 'webhook', url: 'https://hooks.example.com/x' },
];

describe.each(await backends())('the automation routes under attack, on %s', (backend) => {
  let s: TestServer;
  let w: AccessWorld;
  let routes: { method: string; url: string }[] = [];
  let otherAdmin: Session;
  let deal = '';
  let contract = '';
  let ownDeal = '';
  const seen: { who: string; url: string; body: string }[] = [];

  /** A request whose answer is kept to scan for the secrets at the end. */
  const call = async (who: Session | string | undefined, label: string, opts: InjectOptions): Promise<LightMyRequestResponse> => {
    const res = who ? await s.as(who, opts) : await s.app.inject(opts);
    seen.push({ who: label, url: String(opts.url), body: res.body });
    return res;
  };

  beforeAll(async () => {
    s = await setupServer(backend, {}, { mail: { devMailbox: true } });
    w = await buildAccessWorld(s);
    const published = await s.as(w.admin, {
      method: 'POST',
      url: `${w.base}/metadata/publish`,
      payload: { metadata: { ...accessApp, recordActions: [markAction], automations: [publishedProbe] } },
    });
    if (published.statusCode !== 201) throw new Error(published.body);
    const hidden = { cost: 'hidden', secret_note: 'hidden' };
    await w.putRole({ name: 'rep', objects: { deal: { read: 'all', update: 'all', fields: hidden }, contract: { read: 'all', update: 'all' } } });
    await w.putRole({ name: 'hidden_designer', designer: true, objects: { deal: { read: 'all', update: 'all', fields: hidden }, contract: { read: 'all' } } });
    await w.putRole({
      name: 'own_designer',
      designer: true,
      objects: { deal: { read: 'own', update: 'own', create: true }, contract: { read: 'own', update: 'own' } },
    });
    await w.assign('bob', ['rep']);
    await w.assign('dave', ['hidden_designer']);
    await w.assign('carol', ['own_designer']);
    deal = (await w.create('deal', 'alice', { title: secretTitle, amount: 1000, cost: secretCost, secret_note: secretNote, region: 'east' })).id;
    contract = (await w.create('contract', 'carol', { title: '合同', deal })).id;
    ownDeal = (await w.create('deal', 'carol', { title: 'carol deal', amount: 3, cost: 12.5 })).id;
    await w.create('contract', 'alice', { title: secretTitle, deal: ownDeal });
    // An admin of another tenant, who is nothing in this one.
    const other = `${s.tenant}o`;
    await s.createTenant(other);
    const user = await s.engine.identity.createUser({ email: `other-admin@${s.domain}`, name: 'other', password: 'other admin password' });
    await s.engine.identity.addMember((await s.engine.tenant(other)).tenant, user, 'admin');
    otherAdmin = await s.login(`other-admin@${s.domain}`, 'other admin password');
    const app: FastifyInstance = await build({
      engine: s.engine,
      onRoute: (r: RouteOptions) => {
        for (const method of [r.method].flat()) if (families.test(r.url) && method !== 'HEAD') routes.push({ method, url: r.url });
      },
    });
    await app.ready();
    await app.close();
    routes = routes.filter((r, i) => routes.findIndex((x) => x.method === r.method && x.url === r.url) === i);
  });
  afterAll(async () => {
    await s?.close();
  });

  /** The route's URL for this tenant (or `tenant`), its parameters filled with ids that exist. */
  const fill = (url: string, tenant = s.tenant) =>
    url
      .replace(':tenant', tenant)
      .replace(':object', 'deal')
      .replace(':id/actions', `${deal}/actions`)
      .replace(':action', 'mark')
      .replace(':runId', '1')
      .replace(':id', 'published_probe');
  const bodyOf = (url: string): unknown =>
    url.endsWith('/dry-run')
      ? { id: 'published_probe', recordId: deal }
      : url.endsWith('/mail/settings')
        ? { host: 'smtp.example.com', port: 587, from: 'crm@example.com' }
        : url.endsWith('/mail/test')
          ? { to: 'x@example.com' }
          : url.endsWith('/read')
            ? { ids: 'all' }
            : url.endsWith('/preferences')
              ? { email: {} }
              : {};
  const request = (r: { method: string; url: string }, tenant?: string): InjectOptions => ({
    method: r.method as 'GET',
    url: fill(r.url, tenant),
    ...(['POST', 'PUT', 'PATCH'].includes(r.method) ? { payload: bodyOf(r.url) as never } : {}),
  });
  const isStream = (url: string) => url.endsWith('/notifications/stream');

  it('finds every route of the families (mail, dev mailbox, record actions, automations, notifications)', () => {
    const urls = routes.map((r) => `${r.method} ${r.url}`);
    for (const u of [
      'GET /api/v1/dev-mailbox',
      'PUT /api/v1/t/:tenant/mail/settings',
      'POST /api/v1/t/:tenant/objects/:object/records/:id/actions/:action',
      'POST /api/v1/t/:tenant/automations/dry-run',
      'POST /api/v1/t/:tenant/automations/:id/runs/:runId/retry',
      'GET /api/v1/t/:tenant/notifications/stream',
    ])
      expect(urls).toContain(u);
  });

  it('refuses every route to a caller without credentials (401) and to an admin of another tenant (404, as if there were no tenant)', async () => {
    const wrong: string[] = [];
    for (const r of routes) {
      const anon = await call(undefined, 'nobody', request(r));
      if (anon.statusCode !== 401) wrong.push(`nobody ${r.method} ${r.url} → ${anon.statusCode}`);
      if (isStream(r.url)) continue;
      const foreign = await call(otherAdmin, 'other tenant admin', request(r));
      const expected = r.url.startsWith('/api/v1/t/') ? [404, 'TENANT_NOT_FOUND'] : [403, 'FORBIDDEN'];
      if (foreign.statusCode !== expected[0] || foreign.json().error?.code !== expected[1])
        wrong.push(`other admin ${r.method} ${r.url} → ${foreign.statusCode} ${foreign.body.slice(0, 200)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('keeps the dev mailbox from a platform admin’s token, bound to one tenant (403), while the admin signed in reads it', async () => {
    const token = (await s.as(w.admin, { method: 'POST', url: `${w.base}/tokens`, payload: { name: 'attack' } })).json().token;
    for (const method of ['GET', 'DELETE'] as const) {
      const res = await call(token, 'tenant token', { method, url: '/api/v1/dev-mailbox' });
      expect([res.statusCode, res.json().error?.code]).toEqual([403, 'FORBIDDEN']);
    }
    expect((await s.as(w.admin, { url: '/api/v1/dev-mailbox' })).statusCode).toBe(200);
  });

  it('refuses a member without designer or admin rights every designer, admin and platform route (403 FORBIDDEN), and lets them reach their own', async () => {
    const own = /\/notifications|\/actions/;
    const wrong: string[] = [];
    for (const r of routes.filter((x) => !isStream(x.url))) {
      const res = await call(w.sessions.bob, 'rep', request(r));
      const ok = own.test(r.url) ? res.statusCode < 300 : res.statusCode === 403 && res.json().error?.code === 'FORBIDDEN';
      if (!ok) wrong.push(`${r.method} ${r.url} → ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('a designer dry-runs a record outside their scope as GET answers it: 404, and nothing of it in the answer', async () => {
    for (const payload of [
      { id: 'published_probe', recordId: deal },
      { automation: draft('deal', dealActions[0] as Record<string, unknown>), recordId: deal },
    ]) {
      const res = await call(w.sessions.carol, 'own designer', { method: 'POST', url: `${w.base}/automations/dry-run`, payload });
      const read = await call(w.sessions.carol, 'own designer', { url: `${w.base}/objects/deal/records/${deal}` });
      expect([res.statusCode, res.json().error.code]).toEqual([read.statusCode, read.json().error.code]);
      expect(res.statusCode).toBe(404);
    }
  });

  it('answers record actions on a record outside the caller’s scope, or in another tenant, as GET answers it: 404', async () => {
    const other = `${s.tenant}o`;
    await s.as(otherAdmin, {
      method: 'POST',
      url: `/api/v1/t/${other}/metadata/publish`,
      payload: { metadata: { ...accessApp, recordActions: [markAction] } },
    });
    const version = (await s.as(w.admin, { url: `${w.base}/objects/deal/records/${deal}` })).json().version;
    const attempts: [Session, string, string][] = [
      [w.sessions.carol, 'own designer', w.base],
      [otherAdmin, 'other tenant admin', `/api/v1/t/${other}`],
    ];
    for (const [who, label, base] of attempts) {
      const read = await call(who, label, { url: `${base}/objects/deal/records/${deal}` });
      expect([read.statusCode, read.json().error.code]).toEqual([404, 'RECORD_NOT_FOUND']);
      for (const opts of [
        { url: `${base}/objects/deal/records/${deal}/actions` },
        { method: 'POST' as const, url: `${base}/objects/deal/records/${deal}/actions/mark`, payload: { input: { note: 'x' } } },
        { method: 'POST' as const, url: `${base}/automations/dry-run`, payload: { id: 'published_probe', recordId: deal } },
      ]) {
        const res = await call(who, label, opts);
        expect([res.statusCode, res.json().error?.code], `${opts.url} ${res.body}`).toEqual([404, expect.stringMatching(/_NOT_FOUND$/)]);
      }
    }
    // Nothing was written: the record is as it was.
    expect((await s.as(w.admin, { url: `${w.base}/objects/deal/records/${deal}` })).json().version).toBe(version);
  });

  it('shows a designer a dry run of every action kind only as they may read it: no hidden field, no record outside their scope', async () => {
    const runs: [Session, string, string, string, Record<string, unknown>[]][] = [
      [w.sessions.dave, 'hidden designer', 'deal', deal, dealActions],
      [w.sessions.dave, 'hidden designer', 'contract', contract, contractActions],
      [w.sessions.carol, 'own designer', 'contract', contract, contractActions],
      [w.sessions.carol, 'own designer', 'deal', ownDeal, dealActions],
    ];
    let answered = 0;
    for (const [who, label, object, recordId, actions] of runs)
      for (const action of actions) {
        const res = await call(who, label, { method: 'POST', url: `${w.base}/automations/dry-run`, payload: { automation: draft(object, action), recordId } });
        expect(res.statusCode, res.body).toBeLessThan(500);
        if (res.statusCode === 200) answered++;
      }
    expect(answered).toBeGreaterThan(15);
    // What they may read is still shown: the change of a field they may read on a record they may read.
    const amount = await s.as(w.sessions.dave, {
      method: 'POST',
      url: `${w.base}/automations/dry-run`,
      payload: { automation: draft('deal', dealActions[1] as Record<string, unknown>), recordId: deal },
    });
    expect(amount.json().actions[0].updates).toEqual([{ object: 'deal', id: deal, changes: [{ field: 'amount', before: 1000, after: 2000 }] }]);
    // The admin's dry run shows everything: the test data holds what the designers must not see.
    const admin = await s.as(w.admin, {
      method: 'POST',
      url: `${w.base}/automations/dry-run`,
      payload: { automation: draft('contract', contractActions[1] as Record<string, unknown>), recordId: contract },
    });
    expect(admin.json().actions[0].updates[0]).toMatchObject({
      object: 'deal',
      id: deal,
      changes: expect.arrayContaining([{ field: 'amount', before: 1000, after: 5 }]),
    });
    const children = await s.as(w.admin, {
      method: 'POST',
      url: `${w.base}/automations/dry-run`,
      payload: { automation: draft('deal', dealActions[3] as Record<string, unknown>), recordId: ownDeal },
    });
    expect(children.json().actions[0].updates[0].changes).toEqual([{ field: 'title', before: secretTitle, after: 'renamed' }]);
  });

  it('answers malformed input on every route with a stable code, never a 500', async () => {
    const deep = JSON.parse(`${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`);
    const bad: unknown[] = [
      null,
      [],
      'text',
      42,
      { unknown: 1 },
      { __proto__: { admin: true }, constructor: { prototype: { admin: true } } },
      JSON.parse('{"__proto__":{"polluted":true},"ids":"all","email":{}}'),
      { recordId: 'not-a-uuid', id: 'published_probe' },
      { recordId: 7, automation: 'x' },
      { recordId: deal, automation: deep },
      { recordId: deal, automation: { ...draft('deal', dealActions[1] as Record<string, unknown>), condition: deep } },
      { recordId: deal, id: 'x'.repeat(100_000) },
      { input: { note: 'x'.repeat(1_000_000) } },
      { input: deep },
      { input: JSON.parse('{"__proto__":{"x":1},"constructor":{"prototype":{"x":1}}}') },
      { ids: ['not-a-uuid'] },
      { ids: Array.from({ length: 600 }, () => '01890000-0000-7000-8000-000000000000') },
      { email: { 'Not A Kind!': true } },
      { email: { constructor: 'yes' } },
      { host: 'x'.repeat(100_000), port: '25', from: 7, password: { a: 1 }, extra: 1 },
      { host: '127.0.0.1', port: 25, from: 'a@example.com' },
      { to: 'x'.repeat(1000) },
    ];
    const odd = [
      (u: string) => u.replace(':object', '__proto__'),
      (u: string) => u.replace(':id/actions', 'not-a-uuid/actions'),
      (u: string) => u.replace(':action', 'constructor'),
      (u: string) => u.replace(':runId', '-1'),
      (u: string) => u.replace(':runId', '99999999999999999999'),
      (u: string) => u.replace(':id', '__proto__'),
    ];
    const wrong: string[] = [];
    const withBody = routes.filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method));
    for (const [who, label] of [
      [w.admin, 'malformed (admin)'],
      [w.sessions.dave, 'malformed (designer)'],
    ] as const) {
      for (const r of withBody)
        for (const payload of bad) {
          const res = await call(who, label, {
            method: r.method as 'POST',
            url: fill(r.url),
            payload: payload as never,
            headers: { 'content-type': 'application/json' },
          });
          if (res.statusCode >= 500 || (res.statusCode >= 400 && typeof res.json().error?.code !== 'string'))
            wrong.push(`${r.method} ${r.url} ${JSON.stringify(payload)?.slice(0, 80)} → ${res.statusCode} ${res.body.slice(0, 200)}`);
        }
      for (const r of routes.filter((x) => !isStream(x.url)))
        for (const change of odd) {
          const url = fill(change(r.url));
          if (url === fill(r.url)) continue;
          const res = await call(who, label, { ...request(r), url });
          if (res.statusCode >= 500 || res.statusCode < 400) wrong.push(`${r.method} ${url} → ${res.statusCode} ${res.body.slice(0, 200)}`);
        }
    }
    const queries = [
      'limit=abc',
      'limit=0',
      'limit=100000',
      'before=-1',
      'before=not-a-uuid',
      'before=99999999999999999999',
      'unreadOnly=maybe',
      'tenant=..%2Fx',
      `to=${'x'.repeat(500)}`,
      '__proto__[x]=1',
      'constructor[prototype][x]=1',
    ];
    for (const r of routes.filter((x) => x.method === 'GET' && !isStream(x.url)))
      for (const q of queries) {
        const res = await call(w.admin, 'malformed (admin)', { url: `${fill(r.url)}?${q}` });
        if (res.statusCode >= 500 || (res.statusCode >= 400 && typeof res.json().error?.code !== 'string'))
          wrong.push(`GET ${r.url}?${q.slice(0, 40)} → ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    expect(wrong).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('never puts a hidden value, or a value of a record outside the caller’s scope, in any answer to a member', () => {
    const members = seen.filter((x) => x.who !== 'malformed (admin)');
    expect(members.length).toBeGreaterThan(100);
    const leaks = members.flatMap((x) =>
      (secretsOf[x.who] ?? ['unknown caller']).filter((v) => x.body.includes(v)).map((v) => `${x.who} ${x.url}: ${v} in ${x.body.slice(0, 300)}`),
    );
    expect(leaks).toEqual([]);
  });
});
