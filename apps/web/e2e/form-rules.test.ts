import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '@tangram/server/testing';
import { type Browser, browserAvailable, hangGuardMs, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import { fieldItem, signIn } from './support/ui';

type DraftForm = { object: string; tabs: { sections: { id: string; title?: unknown; columns?: number }[] }[] };

// A form's live rules keep working after the designer (a lazy chunk that brings @tangram/logic
// into the page) has been opened in the same page: nothing the designer loads changes how the
// runtime evaluates visible/required/read-only rules.
describe.runIf(browserAvailable())('form rules after opening the designer (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  reportFailures(() => browser?.page);
  let admin: Session;
  const api = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    srv.server.as(admin, { method, url: `/api/v1/t/${srv.server.tenant}${url}`, payload: payload as never });

  beforeAll(async () => {
    srv = await startServer();
    admin = await srv.server.login(srv.server.admin.email, srv.server.admin.password);
    const published = await api('POST', '/metadata/publish', {
      message: 'tickets with a rule',
      metadata: {
        objects: [
          {
            name: 'ticket',
            label: { 'zh-CN': '工单', en: 'Ticket' },
            fields: [
              { name: 'title', type: 'text', required: true, label: { 'zh-CN': '标题', en: 'Title' } },
              { name: 'hours', type: 'integer', label: { 'zh-CN': '工时', en: 'Hours' } },
              { name: 'reason', type: 'text', label: { 'zh-CN': '加班原因', en: 'Overtime reason' } },
            ],
          },
        ],
        forms: [
          {
            name: 'ticket_form',
            object: 'ticket',
            tabs: [{ id: 'main', sections: [{ id: 'general', columns: 4, fields: ['title', 'hours', 'reason'] }] }],
            rules: { reason: { visible: { '>': [{ var: 'hours' }, 8] }, required: { '>': [{ var: 'hours' }, 8] } } },
          },
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

  /** On the new-ticket form: the reason shows (and is required) only while more than 8 hours are entered. */
  async function ruleWorks(page: Page): Promise<void> {
    await page.getByRole('heading', { name: '新建工单' }).waitFor();
    await fieldItem(page, 'title').waitFor();
    await fieldItem(page, 'reason').waitFor({ state: 'detached' });
    await page.getByLabel('工时').fill('12');
    await fieldItem(page, 'reason').waitFor();
    await fieldItem(page, 'reason').locator('.ant-form-item-required').waitFor();
    await page.getByLabel('工时').fill('3');
    await fieldItem(page, 'reason').waitFor({ state: 'detached' });
  }

  it('shows a field by its rule, and still does after the designer was opened in the same page', async () => {
    const { page } = browser;
    await signIn(page, srv.url, srv.server.admin.email, srv.server.admin.password);
    // The tenant opens on its first (here only) object's list; 新建 is clicked once it has.
    await page.waitForURL((u) => u.pathname.endsWith('/o/ticket'));
    await page.getByRole('heading', { name: '工单', exact: true }).waitFor();
    await page.getByRole('button', { name: /新\s*建/ }).click();
    await ruleWorks(page);
    // Marks this page's JavaScript context: the checks below run in the same one (no reload).
    await page.evaluate(() => {
      (window as unknown as { tangramSamePage: boolean }).tangramSamePage = true;
    });

    await page.getByRole('menuitem', { name: '设计器' }).click();
    // What was typed is not saved: leave anyway.
    await page
      .getByRole('dialog', { name: '有未保存的修改，确定离开吗？修改将丢失。' })
      .getByRole('button', { name: /离\s*开/ })
      .click();
    // The designer's home is drawn by the lazy designer chunk: it is loaded now.
    await page.getByTestId('object-card-ticket').waitFor();
    await shot(page, 'form-rules-01-designer');

    // Back to the form, in the same page.
    await page.goBack();
    expect(await page.evaluate(() => (window as unknown as { tangramSamePage?: boolean }).tangramSamePage)).toBe(true);
    await ruleWorks(page);
    await page.getByLabel('工时').fill('10');
    await fieldItem(page, 'reason').waitFor();
    await shot(page, 'form-rules-02-after-designer');
  });

  it('keeps a section of 4 columns when the form designer saves the form', async () => {
    const { page } = browser;
    // From the new-ticket form the first test left with a value typed.
    await page.getByRole('menuitem', { name: '设计器' }).click();
    await page
      .getByRole('dialog', { name: '有未保存的修改，确定离开吗？修改将丢失。' })
      .getByRole('button', { name: /离\s*开/ })
      .click();
    await page.getByTestId('object-card-ticket').getByRole('button', { name: '表单设计' }).click();
    const title = page.getByRole('textbox', { name: '分组标题' });
    await title.waitFor();
    await page.locator('#cols-general').locator('xpath=ancestor::div[contains(@class, "ant-select")][1]').getByText('4', { exact: true }).waitFor();
    await title.fill('基本信息');
    await title.press('Tab');
    const section = async () => {
      const draft = (await api('GET', '/metadata/draft')).json().metadata as { forms?: DraftForm[] };
      return draft.forms?.find((f) => f.object === 'ticket')?.tabs[0]?.sections[0];
    };
    await expect.poll(async () => (await section())?.title, { timeout: hangGuardMs, interval: 200 }).toBeTruthy();
    expect(await section()).toMatchObject({ id: 'general', columns: 4 });
    await shot(page, 'form-rules-03-four-columns');
  });
});
