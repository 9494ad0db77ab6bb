import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, browserAvailable, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import { signIn } from './support/ui';

const password = 's3cret pw';

/** An SMTP server on 127.0.0.1 (no TLS) that takes user `mailer` and keeps what it receives. */
async function smtpServer() {
  const received: { to: string[]; user: unknown; raw: string }[] = [];
  const server = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'mailer' && auth.password === password) cb(null, { user: 'mailer' });
      else cb(new Error('invalid credentials'));
    },
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (c: Buffer) => {
        raw += c.toString('utf8');
      });
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), user: session.user, raw });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

// A tenant admin sets the organisation's SMTP server in 邮件设置: a bad sender and a private
// address are shown on their fields, the saved password is never shown again (and kept when
// the field is left empty), and a test mail reaches the server, signed in as the user given.
describe.runIf(browserAvailable())('a tenant admin sets up e-mail in 邮件设置 (browser)', () => {
  let srv: RunningServer;
  let smtp: Awaited<ReturnType<typeof smtpServer>>;
  let browser: Browser;
  reportFailures(() => browser?.page);

  beforeAll(async () => {
    smtp = await smtpServer();
    // The SMTP server is on loopback: allowed as an operator would allow an internal mail host.
    srv = await startServer({ engine: { mail: { devMailbox: true }, outbound: { allowHosts: [`127.0.0.1:${smtp.port}`] } } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
    await smtp?.close();
  });

  it('saves the settings, shows mistakes on their fields, never shows the password, and sends a test mail', async () => {
    const { page } = browser;
    await signIn(page, srv.url, srv.server.admin.email, srv.server.admin.password);
    await page.goto(`${srv.url}/t/${srv.server.tenant}/members`);
    await page.getByRole('menuitem', { name: '邮件设置' }).click();
    await page.waitForURL(`${srv.url}/t/${srv.server.tenant}/mail`);
    await page.getByTestId('mail-transport').getByText('尚未设置 SMTP：邮件保存在开发邮箱中').waitFor();

    // A sender that is not an address: refused by the server, shown under 发件人.
    await page.getByLabel('服务器地址').fill('10.1.2.3');
    await page.getByLabel('端口').fill(String(smtp.port));
    await page.getByRole('switch', { name: 'SSL/TLS 加密连接' }).click();
    await page.getByLabel('用户名').fill('mailer');
    await page.getByLabel('密码或授权码').fill(password);
    await page.getByLabel('发件人').fill('not an address');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    const fromItem = page.locator('.ant-form-item').filter({ has: page.getByLabel('发件人') });
    await fromItem.locator('.ant-form-item-explain-error').getByText('应为邮箱地址').waitFor();
    // A private address: refused by the outbound guard, shown under 服务器地址.
    await page.getByLabel('发件人').fill('销售部 <sales@example.com>');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    const hostItem = page.locator('.ant-form-item').filter({ has: page.getByLabel('服务器地址') });
    await hostItem.locator('.ant-form-item-explain-error').getByText('该地址是本机、内网、链路本地或云元数据地址，已拒绝').waitFor();
    await shot(page, 'mail-01-refused-host');
    expect(await srv.server.engine.mail.settings((await srv.server.engine.tenant(srv.server.tenant)).tenant.id)).toBeNull();

    await page.getByLabel('服务器地址').fill('127.0.0.1');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByText('邮件设置已保存').waitFor();
    await page.getByTestId('mail-transport').getByText('邮件当前经由本企业的 SMTP 服务器发送').waitFor();

    // After a reload the password field is empty, says one is kept, and the page never holds it.
    const bodies: string[] = [];
    page.on('response', async (r) => {
      if (r.url().includes('/api/')) bodies.push(await r.text().catch(() => ''));
    });
    await page.reload();
    await page.getByText('已设置密码：留空则保留原密码。').waitFor();
    expect(await page.getByLabel('密码或授权码').inputValue()).toBe('');
    expect(await page.getByLabel('服务器地址').inputValue()).toBe('127.0.0.1');
    expect(await page.content()).not.toContain(password);
    expect(bodies.join('\n')).not.toContain(password);

    // Saved again without typing the password: it is kept, and the test mail signs in with it.
    await page.getByLabel('发件人').fill('华东销售部 <sales@example.com>');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByText('邮件设置已保存').last().waitFor();
    await page.getByLabel('收件人邮箱').fill('boss@example.com');
    await page.getByRole('button', { name: /发\s*送/ }).click();
    await page.getByTestId('mail-test-result').getByText('测试邮件已发送到 boss@example.com').waitFor();
    await shot(page, 'mail-02-test-sent');
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]).toMatchObject({ to: ['boss@example.com'], user: 'mailer' });
    expect(smtp.received[0]?.raw).toContain('sales@example.com');
  });
});
