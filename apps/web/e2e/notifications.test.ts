import type { Session } from '@tangram/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, browserAvailable, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import { signIn } from './support/ui';

// A member has the app open; an automation (here: the engine API, as an automation calls it)
// notifies them about a record. The bell's badge goes from 0 to 1 without a reload, the list
// shows the notification, and clicking it opens the record and reads it (the badge back to 0).
describe.runIf(browserAvailable())('the notification bell updates live and opens the record (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  reportFailures(() => browser?.page);
  let admin: Session;
  const member = { email: '', name: '林销售', password: 'member password 1' };
  let memberId = '';
  let noteId = '';
  const api = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    srv.server.as(admin, { method, url: `/api/v1/t/${srv.server.tenant}${url}`, payload: payload as never });

  beforeAll(async () => {
    srv = await startServer();
    member.email = `lin@${srv.server.domain}`;
    admin = await srv.server.login(srv.server.admin.email, srv.server.admin.password);
    const published = await api('POST', '/metadata/publish', {
      message: 'notes',
      metadata: { objects: [{ name: 'note', label: { 'zh-CN': '便签', en: 'Note' }, fields: [{ name: 'title', type: 'text', label: { 'zh-CN': '标题' } }] }] },
    });
    expect(published.statusCode, published.body).toBe(201);
    const role = await srv.server.as(admin, {
      method: 'PUT',
      url: `/api/v1/t/${srv.server.tenant}/access/roles/note_keeper`,
      payload: { name: 'note_keeper', label: { 'zh-CN': '便签维护' }, objects: { note: { create: true, read: 'all', update: 'all', delete: 'none' } } },
    });
    expect(role.statusCode, role.body).toBeLessThan(300);
    // A member (not an admin), who may read notes.
    const added = await api('POST', '/members', { ...member, role: 'member' });
    expect(added.statusCode, added.body).toBe(201);
    memberId = added.json().user.id;
    const given = await srv.server.as(admin, {
      method: 'PUT',
      url: `/api/v1/t/${srv.server.tenant}/access/users/${memberId}/roles`,
      payload: { roles: ['note_keeper'] },
    });
    expect(given.statusCode, given.body).toBe(200);
    const note = await api('POST', '/objects/note/records', { title: '华东大客户续约' });
    expect(note.statusCode, note.body).toBe(201);
    noteId = note.json().id;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('shows a new notification without a reload; clicking it opens the record and reads it', async () => {
    const { page } = browser;
    await signIn(page, srv.url, member.email, member.password);
    await page.getByRole('button', { name: '通知（0 条未读）' }).waitFor();
    // The home page sends a member without a dashboard on to the first object's list once the
    // metadata is in: the bell can show before that, so wait for where the app settles.
    await page.waitForURL(/\/o\/note$/);
    await page.getByRole('heading', { name: '便签' }).waitFor();
    const loaded = page.url();
    const tenant = await srv.server.engine.tenant(srv.server.tenant);
    await tenant.notifications.notify(srv.server.engine.db, {
      to: [memberId],
      kind: 'note.follow_up',
      title: '便签需要跟进',
      body: '华东大客户续约 7 天未跟进',
      link: { object: 'note', recordId: noteId },
      source: { type: 'automation', id: 'follow-up' },
    });
    const bell = page.getByRole('button', { name: '通知（1 条未读）' });
    await bell.waitFor();
    // The same page, never reloaded.
    expect(page.url()).toBe(loaded);
    await bell.click();
    const item = page.getByTestId('notification').filter({ hasText: '便签需要跟进' });
    await item.waitFor();
    expect(await item.getAttribute('data-unread')).toBe('true');
    await page.getByText('华东大客户续约 7 天未跟进').waitFor();
    await shot(page, 'notifications-01-list');
    await item.click();
    await page.waitForURL(`${srv.url}/t/${srv.server.tenant}/o/note/r/${noteId}`);
    await page.getByRole('button', { name: '通知（0 条未读）' }).waitFor();
    await page.locator('input[value="华东大客户续约"]').or(page.getByText('华东大客户续约')).first().waitFor();
    await shot(page, 'notifications-02-record');
    expect((await tenant.notifications.list(memberId)).notifications[0]).toMatchObject({ title: '便签需要跟进', readAt: expect.any(String) });
  });

  it('marks all read with 全部已读', async () => {
    const { page } = browser;
    const tenant = await srv.server.engine.tenant(srv.server.tenant);
    await tenant.notifications.notify(srv.server.engine.db, { to: [memberId], kind: 'system', title: '第一条' });
    await tenant.notifications.notify(srv.server.engine.db, { to: [memberId], kind: 'system', title: '第二条' });
    const bell = page.getByRole('button', { name: '通知（2 条未读）' });
    await bell.waitFor();
    await bell.click();
    const items = page.getByTestId('notification');
    await items.filter({ hasText: '第二条' }).waitFor();
    // Newest first.
    expect(await items.first().textContent()).toContain('第二条');
    await page.getByRole('button', { name: '全部已读' }).click();
    await page.getByRole('button', { name: '通知（0 条未读）' }).click();
    await page.getByRole('button', { name: '全部已读' }).waitFor({ state: 'hidden' });
    expect(await tenant.notifications.unreadCount(memberId)).toBe(0);
  });

  it('turns e-mail off for a kind in the notification settings', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: /^通知（/ }).click();
    await page.getByRole('button', { name: '通知设置' }).click();
    const dialog = page.getByRole('dialog', { name: '通知设置' });
    const toggle = dialog.getByRole('switch', { name: 'note.follow_up 邮件提醒' });
    await toggle.waitFor();
    expect(await toggle.getAttribute('aria-checked')).toBe('true');
    await toggle.click();
    await dialog.locator('[role="switch"][aria-checked="false"]').first().waitFor();
    await shot(page, 'notifications-03-settings');
    const tenant = await srv.server.engine.tenant(srv.server.tenant);
    expect((await tenant.notifications.preferences(memberId)).email).toEqual({ 'note.follow_up': false, system: true });
    expect(await tenant.notifications.emailRecipients([memberId], 'note.follow_up')).toEqual([]);
  });
});
