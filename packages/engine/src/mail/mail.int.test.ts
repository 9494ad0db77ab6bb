import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import type { AddressInfo } from 'node:net';
import type { Resolver } from '@tangram/net';
import fc from 'fast-check';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { Engine, type TenantEngine } from '../engine';
import { ManualClock } from '../jobs/clock';
import { backends, openTestDatabase } from '../testing/databases';
import { failure } from '../testing/engine';

/**
 * An SMTP server on 127.0.0.1 (no TLS) that takes user `mailer` / `s3cret pw` and keeps what it
 * receives; it refuses the first message to an address starting with `flaky`.
 */
async function smtpServer() {
  const received: { to: string[]; raw: string }[] = [];
  const refused = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'mailer' && auth.password === 's3cret pw') cb(null, { user: 'mailer' });
      else cb(new Error('invalid credentials'));
    },
    onRcptTo(address, _session, cb) {
      if (address.address.startsWith('flaky') && !refused.has(address.address)) {
        refused.add(address.address);
        cb(Object.assign(new Error('try again later'), { responseCode: 451 }));
      } else cb();
    },
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (c: Buffer) => {
        raw += c.toString('utf8');
      });
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return { server, port, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** example.com names resolve to a public address (no DNS in tests); anything else as the system resolves it. */
const exampleDns: Resolver = async (name) =>
  name.endsWith('.example.com')
    ? [{ address: '93.184.215.14', family: 4 }]
    : (await lookup(name, { all: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

const good = { host: 'smtp.example.com', port: 587, user: 'mailer', password: 'pw-1', from: 'CRM <crm@example.com>' };

/** Bad values of each setting, every one of which must be reported at its path. */
const bad: Record<string, unknown[]> = {
  host: [undefined, '', 'smtp://mail.example.com', 'mail.example.com:25', 'a b', 'mail/x', 42, null, `${'a'.repeat(64)}.com`],
  port: [undefined, 0, 65536, 25.5, '587', null, -1],
  secure: ['yes', 1, null],
  user: ['', 42, 'a\r\nb'],
  password: ['', 7, 'x'.repeat(1025)],
  from: [undefined, '', 'not an address', 'a@b', 'CRM <crm@example.com', 'x@example.com\r\nBcc: y@example.com', 'x@@example.com'],
};

describe.each(await backends())('e-mail on %s', (backend) => {
  let database: Database;
  let engine: Engine;
  /** The same database, no dev mailbox and no allowed hosts. */
  let strict: Engine;
  let t: TenantEngine;
  let smtpTenant: TenantEngine;
  let smtp: Awaited<ReturnType<typeof smtpServer>>;
  const clock = new ManualClock('2031-05-06T08:00:00Z');
  const domain = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}.mail.test`;

  const member = async (te: TenantEngine, name: string, roles: string[] = [], role: 'member' | 'admin' = 'member') => {
    const u = await engine.identity.createUser({ email: `${name}@${domain}`, name, password: 'long enough pw 1' });
    await engine.identity.addMember(te.tenant, u, role);
    if (roles.length) await te.access.setUserRoles(u.id, roles);
    return u;
  };
  const mailbox = async (te: TenantEngine) => (await engine.mail.devMail({ tenantId: te.tenant.id, limit: 200 })).reverse();

  beforeAll(async () => {
    smtp = await smtpServer();
    database = await openTestDatabase(backend);
    engine = await Engine.attach(database, {
      revisionCheckMs: 0,
      clock,
      mail: { devMailbox: true },
      outbound: { allowHosts: [`127.0.0.1:${smtp.port}`], resolve: exampleDns },
    });
    strict = await Engine.attach(database, { revisionCheckMs: 0, clock });
    const slug = `mail${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    t = await engine.createTenant(slug);
    smtpTenant = await engine.createTenant(`${slug}s`);
    await t.schema.publish({
      objects: [
        {
          name: 'deal',
          fields: [
            { name: 'title', type: 'text', required: true },
            { name: 'watcher', type: 'user' },
          ],
        },
      ],
      automations: [
        {
          name: 'new_deal_mail',
          object: 'deal',
          trigger: { kind: 'record.created' },
          actions: [
            {
              id: 'mail',
              kind: 'email',
              to: [{ kind: 'owner' }, { kind: 'userField', field: 'watcher' }],
              subject: { 'zh-CN': '新商机：{title}', en: 'New deal: {title}' },
              body: { 'zh-CN': '商机「{title}」已创建。' },
            },
            // Refused: the run fails after the mail, and is retried until its job is dead.
            { id: 'hook', kind: 'webhook', url: 'http://10.0.0.1/hook' },
          ],
        },
      ],
    });
    await t.access.putRole('reader', { objects: { deal: { read: 'all' } } });
    await t.access.putRole('blind', { objects: { deal: { read: 'all', fields: { title: 'hidden' } } } });
  });
  afterAll(async () => {
    await smtp.close();
    if (backend === 'postgres') {
      for (const te of [t, smtpTenant]) {
        await sql`drop schema if exists ${sql.id(te.tenant.schema)} cascade`.execute(database.db);
        await database.db.withSchema('platform').deleteFrom('tenant').where('id', '=', te.tenant.id).execute();
      }
      await database.db.withSchema('platform').deleteFrom('user').where('email', 'like', `%@${domain}`).execute();
    }
    await engine.close();
  });

  it('refuses settings with every bad field reported at its path (MAIL_SETTINGS_INVALID), and stores nothing', async () => {
    const fields = Object.keys(bad);
    await fc.assert(
      fc.asyncProperty(
        fc
          .uniqueArray(fc.constantFrom(...fields), { minLength: 1 })
          .chain((broken) => fc.tuple(fc.constant(broken), fc.tuple(...broken.map((f) => fc.constantFrom(...(bad[f] as unknown[])))))),
        async ([broken, values]) => {
          const input: Record<string, unknown> = { ...good };
          broken.forEach((f, i) => {
            if (values[i] === undefined) delete input[f];
            else input[f] = values[i];
          });
          // A password needs a user: a broken user that is dropped leaves the password without one.
          const e = await failure(engine.mail.saveSettings(t.tenant.id, input));
          expect(e.code).toBe('MAIL_SETTINGS_INVALID');
          const paths = new Set((e.details.problems as { path: string }[]).map((p) => p.path));
          for (const f of broken) expect(paths, JSON.stringify(input)).toContain(`/${f}`);
          for (const p of paths) expect([...broken.map((f) => `/${f}`), '/password']).toContain(p);
        },
      ),
      { numRuns: 60 },
    );
    expect(await failure(engine.mail.saveSettings(t.tenant.id, { ...good, tls: true }))).toMatchObject({
      code: 'MAIL_SETTINGS_INVALID',
      details: { problems: [{ path: '/tls' }] },
    });
    expect(await failure(engine.mail.saveSettings(t.tenant.id, { ...good, user: null }))).toMatchObject({
      details: { problems: [{ path: '/password', message: 'needs a user' }] },
    });
    expect(await failure(engine.mail.saveSettings(t.tenant.id, []))).toMatchObject({ code: 'MAIL_SETTINGS_INVALID', details: { problems: [{ path: '/' }] } });
    expect(await engine.mail.settings(t.tenant.id)).toBeNull();
  });

  it('refuses an SMTP host that is or resolves to an internal address, in any spelling, unless an admin allows it', async () => {
    for (const host of [
      '127.0.0.1',
      'localhost',
      '10.0.0.25',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      '[::ffff:127.0.0.1]',
      '0x7f000001',
      '2130706433',
      '100.100.100.200',
    ])
      expect(await failure(strict.mail.saveSettings(t.tenant.id, { ...good, host })), host).toMatchObject({ code: 'OUTBOUND_ADDRESS_REFUSED' });
    // Allowed host:port only: another port of the same host stays refused.
    expect(await failure(engine.mail.saveSettings(t.tenant.id, { ...good, host: '127.0.0.1', port: smtp.port + 1 }))).toMatchObject({
      code: 'OUTBOUND_ADDRESS_REFUSED',
    });
    expect(await engine.mail.settings(t.tenant.id)).toBeNull();
  });

  it('never shows the password: hasPassword only; it is stored sealed, kept when left out, dropped with null or a new user', async () => {
    const te = smtpTenant;
    const saved = await engine.mail.saveSettings(te.tenant.id, { ...good, password: 'plain-text-secret' });
    expect(saved).toEqual({
      host: 'smtp.example.com',
      port: 587,
      secure: false,
      user: 'mailer',
      hasPassword: true,
      from: 'CRM <crm@example.com>',
      updatedAt: expect.any(String),
    });
    expect(JSON.stringify(await engine.mail.settings(te.tenant.id))).not.toContain('plain-text-secret');
    const stored = await database.db
      .withSchema('platform')
      .selectFrom('mail_settings')
      .selectAll()
      .where('tenant_id', '=', te.tenant.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain('plain-text-secret');
    const { password: _, ...withoutPassword } = good;
    expect(await engine.mail.saveSettings(te.tenant.id, { ...withoutPassword, port: 465 })).toMatchObject({ hasPassword: true, secure: true });
    expect(await engine.mail.saveSettings(te.tenant.id, { ...withoutPassword, user: 'someone-else' })).toMatchObject({ hasPassword: false });
    await engine.mail.saveSettings(te.tenant.id, { ...good });
    expect(await engine.mail.saveSettings(te.tenant.id, { ...withoutPassword, password: null })).toMatchObject({ hasPassword: false });
    expect(await engine.mail.deleteSettings(te.tenant.id)).toBe(true);
    expect(await engine.mail.settings(te.tenant.id)).toBeNull();
  });

  it('sends through a real SMTP server on loopback when an admin allows it (login with the sealed password), once per key', async () => {
    const te = smtpTenant;
    await engine.mail.saveSettings(te.tenant.id, { host: '127.0.0.1', port: smtp.port, user: 'mailer', password: 's3cret pw', from: 'CRM <crm@example.com>' });
    expect(await engine.mail.transport(te.tenant.id)).toBe('smtp');
    const before = smtp.received.length;
    const test = await engine.mail.sendTest(te.tenant, `li@${domain}`);
    expect(test).toMatchObject({ via: 'smtp', to: `li@${domain}`, already: false });
    const key = `k-${randomBytes(3).toString('hex')}`;
    const first = await engine.mail.sendOnce(te.tenant.id, key, { to: `wang@${domain}`, subject: '报价单\r\nBcc: evil@example.com', text: '请查收。' });
    const again = await engine.mail.sendOnce(te.tenant.id, key, { to: `wang@${domain}`, subject: '报价单', text: '请查收。' });
    expect(first).toMatchObject({ via: 'smtp', already: false });
    expect(again).toEqual({ ...first, already: true });
    const got = smtp.received.slice(before);
    expect(got.map((m) => m.to)).toEqual([[`li@${domain}`], [`wang@${domain}`]]);
    expect(got[1]?.raw).toContain(`Message-ID: ${first.messageId}`);
    expect(got[1]?.raw).not.toMatch(/^Bcc:/im);
    // Nothing went to the dev mailbox.
    expect(await mailbox(te)).toEqual([]);
  });

  it('a wrong SMTP password fails with MAIL_SEND_FAILED; the same loopback host is refused by an engine that does not allow it, and nothing is sent', async () => {
    const te = smtpTenant;
    await engine.mail.saveSettings(te.tenant.id, { host: '127.0.0.1', port: smtp.port, user: 'mailer', password: 'wrong-pw-Q9', from: 'crm@example.com' });
    const refused = await failure(engine.mail.sendTest(te.tenant, `li@${domain}`));
    expect(refused).toMatchObject({ code: 'MAIL_SEND_FAILED', details: { reason: 'EAUTH' } });
    // What the caller (and the log) gets names the server and the reason, never the password (nor its base64 in an AUTH line).
    for (const secret of ['wrong-pw-Q9', Buffer.from('wrong-pw-Q9').toString('base64'), Buffer.from('\0mailer\0wrong-pw-Q9').toString('base64')])
      expect(JSON.stringify({ message: refused.message, details: refused.details })).not.toContain(secret);
    await engine.mail.saveSettings(te.tenant.id, { host: '127.0.0.1', port: smtp.port, user: 'mailer', password: 's3cret pw', from: 'crm@example.com' });
    const before = smtp.received.length;
    expect(await failure(strict.mail.sendOnce(te.tenant.id, 'refused-1', { to: `li@${domain}`, subject: 's', text: 't' }))).toMatchObject({
      code: 'OUTBOUND_ADDRESS_REFUSED',
      details: { class: 'loopback' },
    });
    expect(await failure(strict.mail.saveSettings(te.tenant.id, { host: '127.0.0.1', port: smtp.port, from: 'crm@example.com' }))).toMatchObject({
      code: 'OUTBOUND_ADDRESS_REFUSED',
    });
    expect(smtp.received.length).toBe(before);
    // The refused key was not recorded: once allowed, it is sent.
    expect(await engine.mail.sendOnce(te.tenant.id, 'refused-1', { to: `li@${domain}`, subject: 's', text: 't' })).toMatchObject({ already: false });
    await engine.mail.deleteSettings(te.tenant.id);
  });

  it('without SMTP settings: the dev mailbox keeps the mail when it is on; MAIL_NOT_CONFIGURED when it is off', async () => {
    expect(await engine.mail.transport(t.tenant.id)).toBe('dev');
    expect(await strict.mail.transport(t.tenant.id)).toBe('none');
    const sent = await engine.mail.sendTest(t.tenant, `zhao@${domain}`);
    expect(sent).toMatchObject({ via: 'dev', already: false });
    expect((await mailbox(t)).at(-1)).toMatchObject({ to: `zhao@${domain}`, messageId: sent.messageId, key: null });
    expect(await failure(strict.mail.sendOnce(t.tenant.id, 'x', { to: `zhao@${domain}`, subject: 's', text: 't' }))).toMatchObject({
      code: 'MAIL_NOT_CONFIGURED',
    });
    expect(await failure(engine.mail.sendTest(t.tenant, 'not-an-address'))).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { problems: [{ path: '/to' }] },
    });
    await engine.mail.clearDevMail(t.tenant.id);
    expect(await mailbox(t)).toEqual([]);
  });

  it('email action: a new record mails its owner and watcher (placeholders filled) once, though the run fails and is retried until dead', async () => {
    const owner = await member(t, 'owner', ['reader']);
    const watcher = await member(t, 'watcher', ['reader']);
    const noAddress = await member(t, 'noaddress');
    await sql`update ${sql.id(t.tenant.schema, '_user')} set email = null where id = ${noAddress.id}`.execute(database.db);
    const deal = await t.records.create('deal', { title: '杭州云栖', owner_id: owner.id, watcher: watcher.id });
    const other = await t.records.create('deal', { title: '无人', owner_id: noAddress.id });
    expect(await mailbox(t)).toEqual([]);
    for (let i = 0; i < 7; i++) {
      await engine.jobs.runDue();
      clock.advance(7_200_000);
    }
    const mails = await mailbox(t);
    expect(mails.map((m) => [m.to, m.subject, m.body])).toEqual([
      [owner.email, '新商机：杭州云栖', '商机「杭州云栖」已创建。'],
      [watcher.email, '新商机：杭州云栖', '商机「杭州云栖」已创建。'],
    ]);
    const runs = await t.automations.runs('new_deal_mail');
    const run = runs.find((r) => r.recordId === deal.id);
    expect(run).toMatchObject({
      status: 'failed',
      actions: [
        { id: 'mail', status: 'done', already: true, result: { mailed: 2, withoutAddress: 0 } },
        { id: 'hook', status: 'failed' },
      ],
    });
    expect(runs.find((r) => r.recordId === other.id)?.actions[0]).toMatchObject({ result: { mailed: 0, withoutAddress: 1 } });
    // A retry by hand after the job died sends nothing again either.
    await t.automations.retry('new_deal_mail', run?.id as number);
    await engine.jobs.runDue();
    expect(await mailbox(t)).toHaveLength(2);
  });

  it('email action: each recipient’s mail shows only what they may read of the record', async () => {
    const blind = await member(t, 'blind', ['blind']);
    const outsider = await member(t, 'outsider');
    const boss = await member(t, 'boss', [], 'admin');
    await t.records.create('deal', { title: '绝密项目', owner_id: blind.id, watcher: outsider.id });
    await t.records.create('deal', { title: '公开项目', owner_id: boss.id, watcher: blind.id });
    for (let i = 0; i < 7; i++) {
      await engine.jobs.runDue();
      clock.advance(7_200_000);
    }
    // (The admin is also mailed of the runs that failed for good: only the action's mails are looked at.)
    const mails = (await mailbox(t)).filter((m) => [blind.email, outsider.email, boss.email].includes(m.to) && m.subject.startsWith('新商机'));
    expect(mails.map((m) => [m.to, m.subject, m.body]).sort()).toEqual(
      [
        [blind.email, '新商机：', '商机「」已创建。'],
        [outsider.email, '新商机：', '商机「」已创建。'],
        [boss.email, '新商机：公开项目', '商机「公开项目」已创建。'],
        [blind.email, '新商机：', '商机「」已创建。'],
      ].sort(),
    );
  });

  it('email action over SMTP: when one recipient fails, the retry sends only the mail not sent yet', async () => {
    const te = smtpTenant;
    await te.schema.publish((await t.schema.current()) as object);
    await engine.mail.saveSettings(te.tenant.id, { host: '127.0.0.1', port: smtp.port, user: 'mailer', password: 's3cret pw', from: 'crm@example.com' });
    const owner = await member(te, 'steady');
    const watcher = await member(te, 'flaky');
    const deal = await te.records.create('deal', { title: '重试', owner_id: owner.id, watcher: watcher.id });
    await engine.jobs.runDue();
    const [first] = (await te.automations.runs('new_deal_mail')).filter((r) => r.recordId === deal.id);
    expect(first?.actions[0]).toMatchObject({ id: 'mail', status: 'failed' });
    expect(first?.error).toMatch(/^MAIL_SEND_FAILED/);
    for (let i = 0; i < 6; i++) {
      clock.advance(7_200_000);
      await engine.jobs.runDue();
    }
    const to = (who: string) => smtp.received.filter((m) => m.to.includes(who)).length;
    expect([to(owner.email), to(watcher.email)]).toEqual([1, 1]);
    await engine.mail.deleteSettings(te.tenant.id);
  });

  it('e-mail channel: a notification is mailed (by a job, after commit) to members who want its kind by e-mail, not to one who turned it off', async () => {
    await engine.mail.clearDevMail(t.tenant.id);
    const [on, off, otherOff] = [await member(t, 'on'), await member(t, 'off'), await member(t, 'otheroff')];
    await t.notifications.setPreferences(off.id, { email: { 'deal.at_risk': false } });
    await t.notifications.setPreferences(otherOff.id, { email: { 'deal.won': false } });
    const to = [on.id, off.id, otherOff.id];
    // A rolled-back transaction mails nobody.
    await database.db
      .transaction()
      .execute(async (trx) => {
        await t.notifications.notify(trx, { to, kind: 'deal.at_risk', title: 'rolled back', key: 'rb' });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await database.db.transaction().execute(async (trx) => {
      await t.notifications.notify(trx, { to, kind: 'deal.at_risk', title: '大额商机 7 天未跟进', body: '请尽快跟进', key: 'risk-1' });
    });
    expect(await mailbox(t)).toEqual([]);
    await engine.jobs.runDue();
    await engine.jobs.runDue();
    expect((await mailbox(t)).map((m) => [m.to, m.subject, m.body]).sort()).toEqual(
      [
        [on.email, '大额商机 7 天未跟进', '请尽快跟进'],
        [otherOff.email, '大额商机 7 天未跟进', '请尽快跟进'],
      ].sort(),
    );
    // A repeat of the key notifies (and mails) nobody again.
    await t.notifications.notify(database.db, { to, kind: 'deal.at_risk', title: '大额商机 7 天未跟进', key: 'risk-1' });
    await engine.jobs.runDue();
    expect(await mailbox(t)).toHaveLength(2);
  });

  it('e-mail channel: an approval task reaching a member is mailed to them, naming the record, the workflow and the step', async () => {
    const te = await engine.createTenant(`mailwf${Date.now().toString(36)}${randomBytes(3).toString('hex')}`);
    try {
      const [rep, boss] = [await member(te, 'wfrep'), await member(te, 'wfboss')];
      const approvers = JSON.stringify([{ kind: 'users', users: [boss.id] }]).replaceAll('"', '&quot;');
      await te.schema.publish({
        objects: [{ name: 'deal', titleField: 'title', fields: [{ name: 'title', type: 'text', required: true }] }],
        workflows: [
          {
            name: 'deal_approval',
            label: { 'zh-CN': '商机审批', en: 'Deal approval' },
            object: 'deal',
            bpmn: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:tg="https://tangram.dev/schema/bpmn/1" id="d" targetNamespace="x">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s" />
    <bpmn:userTask id="boss" name="总监审批" tg:approvers="${approvers}" />
    <bpmn:endEvent id="e" />
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="boss" />
    <bpmn:sequenceFlow id="f2" sourceRef="boss" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>`,
          },
        ],
      } as never);
      const deal = (await te.records.create('deal', { title: '华北区框架协议', owner_id: rep.id })).id as string;
      await te.workflows.submit('deal', deal, { workflow: 'deal_approval' }, { actor: rep.id });
      await engine.jobs.runDue();
      await engine.jobs.runDue();
      expect((await mailbox(te)).map((m) => [m.to, m.subject, m.body])).toEqual([
        [boss.email, '有新的审批待处理', '「华北区框架协议」 · 商机审批（总监审批）'],
      ]);
    } finally {
      if (backend === 'postgres') {
        await sql`drop schema if exists ${sql.id(te.tenant.schema)} cascade`.execute(database.db);
        await database.db.withSchema('platform').deleteFrom('tenant').where('id', '=', te.tenant.id).execute();
      }
    }
  });

  it('e-mail channel: no job when the tenant has nowhere to send mail', async () => {
    const u = await member(t, 'nowhere');
    const before = (await strict.jobs.list({ queue: 'mail.notification', tenantId: t.tenant.id })).length;
    await strict.tenant(t.tenant.slug).then((st) => st.notifications.notify(database.db, { to: [u.id], kind: 'deal.at_risk', title: 'x' }));
    expect((await strict.jobs.list({ queue: 'mail.notification', tenantId: t.tenant.id })).length).toBe(before);
  });
});
