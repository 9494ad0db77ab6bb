import type { TenantEngine } from '@tangram/engine';
import { backends } from '@tangram/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestServer, setupServer } from './testing/harness';

// A public literal address: no DNS in tests, and the guard lets it pass.
const good = { host: '93.184.215.14', port: 587, user: 'mailer', password: 'pw-plain-1', from: 'CRM <crm@example.com>' };

/** For each setting, values that must be refused at its path. */
const bad: Record<string, unknown[]> = {
  host: ['', 'smtp://x.example.com', 'x.example.com:25', 7],
  port: [0, 70000, '25', 2.5],
  secure: ['true', 1],
  user: ['', 5],
  password: ['', 5],
  from: ['', 'nobody', 'a@b', 'x@example.com\nBcc: y@example.com'],
};

const app = {
  objects: [{ name: 'deal', fields: [{ name: 'title', type: 'text', required: true }] }],
  automations: [
    {
      name: 'deal_mail',
      object: 'deal',
      trigger: { kind: 'record.created' },
      actions: [{ id: 'mail', kind: 'email', to: [{ kind: 'owner' }], subject: { 'zh-CN': '新商机 {title}' }, body: { 'zh-CN': '请跟进 {title}' } }],
    },
    {
      name: 'deal_bell',
      object: 'deal',
      trigger: { kind: 'record.created' },
      actions: [{ id: 'bell', kind: 'notify', to: [{ kind: 'users', users: [] }], title: { 'zh-CN': '有新商机' } }],
    },
  ],
};

describe.each(await backends())('mail over HTTP on %s', (backend) => {
  let s: TestServer;
  let admin: Session;
  let member: Session;
  let memberId: string;
  let other: Session;
  let otherId: string;
  let tenant: TenantEngine;
  let base: string;

  const mailbox = async (to?: string) => {
    const res = await s.as(admin, { method: 'GET', url: `/api/v1/dev-mailbox?tenant=${s.tenant}${to ? `&to=${encodeURIComponent(to)}` : ''}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { enabled: boolean; messages: { to: string; subject: string; body: string }[] };
  };

  beforeAll(async () => {
    s = await setupServer(backend, {}, { mail: { devMailbox: true } });
    admin = await s.login(s.admin.email, s.admin.password);
    base = `/api/v1/t/${s.tenant}`;
    tenant = await s.engine.tenant(s.tenant);
    const add = async (name: string) => {
      const u = await s.engine.identity.createUser({ email: `${name}@${s.domain}`, name, password: `${name} password 1` });
      await s.engine.identity.addMember(tenant.tenant, u, 'member');
      return { id: u.id, session: await s.login(`${name}@${s.domain}`, `${name} password 1`) };
    };
    ({ id: memberId, session: member } = await add('li'));
    ({ id: otherId, session: other } = await add('wang'));
    const published = structuredClone(app);
    (published.automations[1]?.actions[0] as { to: unknown }).to = [{ kind: 'users', users: [memberId, otherId] }];
    await tenant.schema.publish(published);
    // li owns deals and reads them: the email action fills in only what its recipient may read.
    await tenant.access.putRole('rep', { objects: { deal: { read: 'own' } } });
    await tenant.access.setUserRoles(memberId, ['rep']);
  });
  afterAll(() => s.close());

  it('GET shows no settings and the dev mailbox as where mail goes; members may not read or change settings', async () => {
    const res = await s.as(admin, { method: 'GET', url: `${base}/mail/settings` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ settings: null, transport: 'dev' });
    for (const [method, url, payload] of [
      ['GET', `${base}/mail/settings`, undefined],
      ['PUT', `${base}/mail/settings`, good],
      ['DELETE', `${base}/mail/settings`, undefined],
      ['POST', `${base}/mail/test`, { to: 'x@example.com' }],
    ] as const) {
      const r = await s.as(member, { method, url, payload });
      expect(r.statusCode, `${method} ${url}`).toBe(403);
      expect(r.json().error.code).toBe('FORBIDDEN');
    }
    expect((await s.as(member, { method: 'GET', url: '/api/v1/dev-mailbox' })).statusCode).toBe(403);
  });

  it('PUT answers MAIL_SETTINGS_INVALID with the path of each bad field', async () => {
    for (const [field, values] of Object.entries(bad))
      for (const value of values) {
        const res = await s.as(admin, { method: 'PUT', url: `${base}/mail/settings`, payload: { ...good, [field]: value } });
        expect(res.statusCode, `${field}=${JSON.stringify(value)}`).toBe(400);
        expect(res.json().error).toMatchObject({ code: 'MAIL_SETTINGS_INVALID', details: { problems: [{ path: `/${field}`, field }] } });
      }
    const all = await s.as(admin, { method: 'PUT', url: `${base}/mail/settings`, payload: { port: 0, from: 'x', extra: 1 } });
    expect(
      all
        .json()
        .error.details.problems.map((p: { path: string }) => p.path)
        .sort(),
    ).toEqual(['/extra', '/from', '/host', '/port']);
    expect((await s.as(admin, { method: 'GET', url: `${base}/mail/settings` })).json().settings).toBeNull();
  });

  it('PUT refuses an internal SMTP host with the outbound guard’s code', async () => {
    for (const host of ['127.0.0.1', 'localhost', '10.1.1.1', '169.254.169.254', '::1', '0177.0.0.1']) {
      const res = await s.as(admin, { method: 'PUT', url: `${base}/mail/settings`, payload: { ...good, host } });
      expect(res.statusCode, host).toBe(400);
      expect(res.json().error.code, host).toBe('OUTBOUND_ADDRESS_REFUSED');
    }
  });

  it('PUT and GET never return the password, only hasPassword', async () => {
    const put = await s.as(admin, { method: 'PUT', url: `${base}/mail/settings`, payload: good });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toEqual({
      transport: 'smtp',
      settings: { host: good.host, port: 587, secure: false, user: 'mailer', hasPassword: true, from: good.from, updatedAt: expect.any(String) },
    });
    const get = await s.as(admin, { method: 'GET', url: `${base}/mail/settings` });
    for (const body of [put.body, get.body]) {
      expect(body).not.toContain(good.password);
      expect(body).not.toContain('"password"');
    }
    const del = await s.as(admin, { method: 'DELETE', url: `${base}/mail/settings` });
    expect(del.statusCode).toBe(204);
    expect((await s.as(admin, { method: 'GET', url: `${base}/mail/settings` })).json()).toEqual({ settings: null, transport: 'dev' });
  });

  it('a test mail lands in the dev mailbox, which platform admins read', async () => {
    const res = await s.as(admin, { method: 'POST', url: `${base}/mail/test`, payload: { to: `test@${s.domain}` } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ via: 'dev', to: `test@${s.domain}`, already: false });
    const box = await mailbox(`test@${s.domain}`);
    expect(box.enabled).toBe(true);
    expect(box.messages).toHaveLength(1);
    const badTo = await s.as(admin, { method: 'POST', url: `${base}/mail/test`, payload: { to: 'nope' } });
    expect(badTo.statusCode).toBe(400);
    expect(badTo.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: { problems: [{ path: '/to' }] } });
  });

  it('a record created over HTTP mails its owner once (email action), and notifications are mailed to whoever keeps e-mail on for their kind', async () => {
    const off = await s.as(other, { method: 'PUT', url: `${base}/notifications/preferences`, payload: { email: { 'automation.deal_bell': false } } });
    expect(off.statusCode, off.body).toBe(200);
    const created = await s.as(admin, { method: 'POST', url: `${base}/objects/deal/records`, payload: { title: '西湖项目', owner_id: memberId } });
    expect(created.statusCode, created.body).toBe(201);
    for (let i = 0; i < 4; i++) await s.engine.jobs.runDue();
    const li = (await mailbox(`li@${s.domain}`)).messages.map((m) => [m.subject, m.body]);
    expect(li.sort()).toEqual(
      [
        ['新商机 西湖项目', '请跟进 西湖项目'],
        ['有新商机', '有新商机'],
      ].sort(),
    );
    expect((await mailbox(`wang@${s.domain}`)).messages).toEqual([]);
    // wang still has the in-app notification.
    const bell = await s.as(other, { method: 'GET', url: `${base}/notifications` });
    expect(bell.json().notifications.map((n: { title: string }) => n.title)).toEqual(['有新商机']);
  });
});
