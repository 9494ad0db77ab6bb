import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '@tangram/server/testing';
import { type Browser, browserAvailable, hangGuardMs, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import { pickOption, signIn } from './support/ui';

// A tenant admin (not a platform admin) adds members by invitation: the page shows the code, and
// the invitee, signed in with their own password, joins by entering it (docs/reference/api.md).
describe.runIf(browserAvailable())('a tenant admin invites, the invitee accepts with the code (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  reportFailures(() => browser?.page);
  let platformAdmin: Session;
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, as = platformAdmin) =>
    srv.server.as(as, { method, url: `/api/v1/t/${srv.server.tenant}${url}`, payload: payload as never });
  const boss = { email: '', name: '周管理', password: 'boss password 1' };
  // An account that already exists, member of another organisation only.
  const known = { email: '', name: '吴老号', password: 'known password 1' };
  // A new e-mail: the tenant admin gives it an initial password.
  const newcomer = { email: '', name: '郑新人', password: 'newcomer password 1' };
  let tenantName = '';
  let otherSlug = '';
  const codes = { known: '', newcomer: '' };

  /** Any page of a tenant (its start page moves on to its first list). */
  const inTenant = (slug: string) => (url: URL) => url.pathname === `/t/${slug}` || url.pathname.startsWith(`/t/${slug}/`);
  const signOut = async (page: Page) => {
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '退出登录' }).click();
    await page.getByLabel('邮箱').waitFor();
  };

  /** Fills the add-member dialog as the tenant admin and returns the invitation code the page shows. */
  const invite = async (page: Page, who: { email: string; name: string }, password?: string) => {
    await page.getByRole('button', { name: '添加成员' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('邮箱').fill(who.email);
    await dialog.getByLabel('姓名').fill(who.name);
    if (password) await dialog.getByLabel('初始密码').fill(password);
    // Roles cannot be given to someone who has not accepted: the dialog does not offer them.
    expect(await dialog.getByLabel('角色').count()).toBe(0);
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await dialog.getByText(`已邀请 ${who.email}`).waitFor();
    await dialog.getByText('登录后，点击「加入企业」并输入邀请码').waitFor();
    await dialog.getByText('14 天内有效，只能使用一次').waitFor();
    const code = (await dialog.getByTestId('invitation-code').locator('code').textContent())?.trim() ?? '';
    expect(code).toMatch(/^[\w-]{20,}$/);
    // The code can be copied with one click.
    await dialog.getByRole('button', { name: /copy|复制/i }).waitFor();
    return code;
  };

  beforeAll(async () => {
    srv = await startServer();
    const d = srv.server.domain;
    Object.assign(boss, { email: `boss@${d}` });
    Object.assign(known, { email: `known@${d}` });
    Object.assign(newcomer, { email: `newcomer@${d}` });
    platformAdmin = await srv.server.login(srv.server.admin.email, srv.server.admin.password);
    tenantName = (await srv.server.as(platformAdmin, { url: '/api/v1/auth/me' }))
      .json()
      .tenants.find((x: { slug: string }) => x.slug === srv.server.tenant).name;
    const published = await api('POST', '/metadata/publish', {
      message: 'notes',
      metadata: { objects: [{ name: 'note', label: { 'zh-CN': '便签', en: 'Note' }, fields: [{ name: 'title', type: 'text', label: { 'zh-CN': '标题' } }] }] },
    });
    expect(published.statusCode, published.body).toBe(201);
    const role = await api('PUT', '/access/roles/note_reader', {
      name: 'note_reader',
      label: { 'zh-CN': '便签读者', en: 'Note reader' },
      objects: { note: { create: false, read: 'all', update: 'none', delete: 'none' } },
    });
    expect(role.statusCode, role.body).toBeLessThan(300);
    // The tenant admin: admin of this tenant only, not a platform admin (a platform admin adds directly).
    const added = await api('POST', '/members', { ...boss, role: 'admin' });
    expect(added.json()).toMatchObject({ status: 'active' });
    // The known account belongs to another organisation, so it lands there after sign-in.
    otherSlug = `${srv.server.tenant}x`;
    await srv.server.createTenant(otherSlug);
    const user = await srv.server.engine.identity.createUser({ ...known });
    await srv.server.engine.identity.addMember((await srv.server.engine.tenant(otherSlug)).tenant, user, 'member');
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('shows the tenant admin the invitation code instead of a new member', async () => {
    const { page } = browser;
    await signIn(page, srv.url, boss.email, boss.password);
    await page.getByRole('menuitem', { name: '成员与角色' }).click();
    await page.getByRole('cell', { name: boss.email }).waitFor();
    codes.known = await invite(page, known);
    await shot(page, 'invite-01-code');
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /关\s*闭/ })
      .last()
      .click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    codes.newcomer = await invite(page, newcomer, newcomer.password);
    expect(codes.newcomer).not.toBe(codes.known);
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /关\s*闭/ })
      .last()
      .click();
    // Neither is a member yet, so neither is listed.
    await page.reload();
    await page.getByRole('cell', { name: boss.email }).waitFor();
    expect(await page.getByRole('cell', { name: known.email }).count()).toBe(0);
    expect(await page.getByRole('cell', { name: newcomer.email }).count()).toBe(0);
  });

  it('a wrong code says so; the right one joins and opens the organisation', async () => {
    const { page } = browser;
    await signOut(page);
    await signIn(page, srv.url, newcomer.email, newcomer.password);
    // No organisation yet: the launcher says how to join one.
    await page.getByText('你还不是任何企业的成员').waitFor();
    await page.getByRole('button', { name: '加入企业' }).click();
    const dialog = page.getByRole('dialog', { name: '加入企业' });
    await dialog.getByLabel('邀请码').fill(`${codes.newcomer}x`);
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await dialog.getByText('邀请码无效或已过期').waitFor();
    await shot(page, 'invite-02-wrong-code');
    // Someone else's code is no better than a wrong one.
    await dialog.getByLabel('邀请码').fill(codes.known);
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await dialog.getByText('邀请码无效或已过期').waitFor();
    await dialog.getByLabel('邀请码').fill(` ${codes.newcomer} `);
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await page.getByText(`已加入 ${tenantName}`).waitFor();
    // Their only organisation now, the launcher opens it.
    await page.waitForURL(inTenant(srv.server.tenant));
    await page.getByRole('heading', { name: tenantName }).waitFor();
  });

  it('an existing account joins from the user menu, sees both organisations and opens the new one', async () => {
    const { page } = browser;
    await signOut(page);
    await signIn(page, srv.url, known.email, known.password);
    await page.waitForURL(inTenant(otherSlug));
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '加入企业' }).click();
    const dialog = page.getByRole('dialog', { name: '加入企业' });
    await dialog.getByLabel('邀请码').fill(codes.known);
    // A click on 确定 that the page missed (once, on a loaded CI machine: the dialog stayed open with
    // its code and no answer) is made again while the dialog is still open and not waiting for an
    // answer (a loading button takes no click; a second accept of a used code would say so).
    const confirm = dialog.getByRole('button', { name: /确\s*定/ });
    await expect
      .poll(
        async () => {
          if (!(await dialog.isVisible())) return true;
          if (!(await confirm.evaluate((b) => b.classList.contains('ant-btn-loading')))) await confirm.click();
          await dialog.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
          return !(await dialog.isVisible());
        },
        { timeout: hangGuardMs, interval: 100 },
      )
      .toBe(true);
    // It closed on success: a refused code keeps the dialog open with its reason.
    expect(await page.getByText('邀请码无效或已过期').count()).toBe(0);
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '选择应用' }).click();
    await page.waitForURL(`${srv.url}/`);
    await page.locator(`a[href="/t/${otherSlug}"]`).waitFor();
    const joined = page.locator(`a[href="/t/${srv.server.tenant}"]`);
    await joined.locator('.ant-card-meta-title').getByText(tenantName, { exact: true }).waitFor();
    await shot(page, 'invite-03-launcher');
    await joined.click();
    await page.waitForURL(inTenant(srv.server.tenant));
    await page.getByRole('heading', { name: tenantName }).waitFor();
    // A code works once.
    const again = await srv.server.as(await srv.server.login(known.email, known.password), {
      method: 'POST',
      url: '/api/v1/auth/invitations/accept',
      payload: { code: codes.known },
    });
    expect(again.statusCode).toBe(404);
  });

  it('the tenant admin then sees both members and gives one a role', async () => {
    const { page } = browser;
    await signOut(page);
    await signIn(page, srv.url, boss.email, boss.password);
    await page.getByRole('menuitem', { name: '成员与角色' }).click();
    await page.getByRole('cell', { name: known.email }).waitFor();
    await page.getByRole('cell', { name: newcomer.email }).waitFor();
    await pickOption(page, page, `角色 ${known.name}`, '便签读者');
    await page.getByText(`已更新 ${known.name} 的角色`).waitFor();
    await shot(page, 'invite-04-role');
    const listed = (await api('GET', `/org/members?q=${encodeURIComponent(known.email)}`)).json().members;
    expect(listed).toMatchObject([{ email: known.email, name: known.name, tenantRole: 'member', roles: ['note_reader'] }]);
  });
});
