import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '@tangram/server/testing';
import { type Browser, browserAvailable, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import { pickOption, signIn, tableRows } from './support/ui';

// The recycle bin: a record deleted on its page is found there (for any object, not only the
// first) and restored, and is back in its object's list.
describe.runIf(browserAvailable())('recycle bin (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  reportFailures(() => browser?.page);
  let admin: Session;
  const api = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    srv.server.as(admin, { method, url: `/api/v1/t/${srv.server.tenant}${url}`, payload: payload as never });
  const text = (name: string, zh: string) => ({ name, type: 'text', label: { 'zh-CN': zh, en: name } });

  beforeAll(async () => {
    srv = await startServer();
    admin = await srv.server.login(srv.server.admin.email, srv.server.admin.password);
    const published = await api('POST', '/metadata/publish', {
      message: 'notes and gadgets',
      metadata: {
        objects: [
          { name: 'note', label: { 'zh-CN': '便签', en: 'Note' }, fields: [text('subject', '主题')] },
          { name: 'gadget', label: { 'zh-CN': '设备', en: 'Gadget' }, fields: [{ ...text('name', '设备名称'), required: true }] },
        ],
      },
    });
    expect(published.statusCode, published.body).toBe(201);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('deletes a record, finds it in the recycle bin, restores it and sees it back in the list', async () => {
    const { page } = browser;
    await signIn(page, srv.url, srv.server.admin.email, srv.server.admin.password);
    // The tenant opens on its first object's list; going elsewhere before it has could be undone by that redirect.
    await page.waitForURL((u) => u.pathname.endsWith('/o/note'));
    await page.getByRole('menuitem', { name: /(^|\s)设备$/ }).click();
    await page.getByRole('heading', { name: '设备', exact: true }).waitFor();
    await page.getByRole('button', { name: /新\s*建/ }).click();
    await page.getByRole('heading', { name: '新建设备' }).waitFor();
    await page.getByLabel('设备名称').fill('会议室投影仪');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByTestId('history').waitFor();

    await page.getByRole('button', { name: '删除', exact: true }).click();
    await page
      .getByRole('dialog', { name: '把这条记录移到回收站？' })
      .getByRole('button', { name: /确\s*定/ })
      .click();
    // Back on the list (the record page's heading is the record's title). The toast saying so is
    // not waited for: it goes after a few seconds, which a slow machine can miss.
    await page.getByRole('heading', { name: '设备', exact: true }).waitFor();
    const gone = (await api('GET', '/objects/gadget/records')).json().records as unknown[];
    expect(gone).toEqual([]);

    await page.getByRole('menuitem', { name: '回收站' }).click();
    await page.getByRole('heading', { name: '回收站' }).waitFor();
    await pickOption(page, page.getByRole('main'), '业务对象', '设备');
    const row = tableRows(page).filter({ hasText: '会议室投影仪' });
    await row.waitFor();
    await shot(page, 'trash-01-deleted-record');
    await row.getByRole('button', { name: /恢\s*复/ }).click();
    await row.waitFor({ state: 'detached' });

    await page.getByRole('menuitem', { name: /(^|\s)设备$/ }).click();
    await tableRows(page).filter({ hasText: '会议室投影仪' }).waitFor();
    await shot(page, 'trash-02-restored');
    const back = (await api('GET', '/objects/gadget/records')).json().records as { name: string; deleted_at: unknown }[];
    expect(back.map((r) => [r.name, r.deleted_at])).toEqual([['会议室投影仪', null]]);
  });
});
