import { ManualClock } from '@tangram/engine';
import type { Session } from '@tangram/server/testing';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, browserAvailable, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import { fieldItem, pickOption, signIn } from './support/ui';

// Issue 14's designer, in a real browser. A business user (the tenant's admin, 王经理) builds an
// automation in the designer — trigger, condition with the filter builder, actions with field
// mapping — dry-runs it on a chosen deal, and enables it. The deal's owner (林销售, a member)
// has the app open in another browser: the notification appears in the bell without a reload,
// the deal shows 风险, and the designer's run log lists the run.
//
// 1. "big deal changed" (field.changed on 金额): provable now.
// 2. "big deal without follow-up" (inactivity, 7 days), exactly the Done-when: the test
//    moves the engine's clock 8 days on and runs the due jobs (the minutely sweep) as a worker would.

const day = 86_400_000;

describe.runIf(browserAvailable())('a business user designs, dry-runs and enables an automation (browser)', () => {
  let srv: RunningServer;
  let designer: Browser;
  let ownerBrowser: Browser;
  reportFailures(() => designer?.page);
  let admin: Session;
  const clock = new ManualClock(Date.now());
  const owner = { email: '', name: '林销售', password: 'owner password 1' };
  let ownerId = '';
  const deals: Record<'east' | 'south', string> = { east: '', south: '' };
  const api = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown) =>
    srv.server.as(admin, { method, url: `/api/v1/t/${srv.server.tenant}${url}`, payload: payload as never });
  const deal = async (id: string) => (await api('GET', `/objects/deal/records/${id}`)).json();

  beforeAll(async () => {
    srv = await startServer({ clock });
    owner.email = `lin@${srv.server.domain}`;
    admin = await srv.server.login(srv.server.admin.email, srv.server.admin.password);
    const published = await api('POST', '/metadata/publish', {
      message: 'deals',
      metadata: {
        objects: [
          {
            name: 'deal',
            label: { 'zh-CN': '商机', en: 'Deal' },
            fields: [
              { name: 'title', type: 'text', required: true, label: { 'zh-CN': '标题' } },
              { name: 'amount', type: 'decimal', label: { 'zh-CN': '金额' } },
              {
                name: 'risk_level',
                type: 'select',
                label: { 'zh-CN': '风险状态' },
                options: {
                  options: [
                    { key: 'normal', label: { 'zh-CN': '正常' } },
                    { key: 'at_risk', label: { 'zh-CN': '风险' } },
                  ],
                },
              },
              { name: 'last_follow_up_at', type: 'datetime', label: { 'zh-CN': '最近跟进时间' } },
            ],
          },
        ],
      },
    });
    expect(published.statusCode, published.body).toBe(201);
    const role = await api('PUT', '/access/roles/sales_rep', {
      name: 'sales_rep',
      label: { 'zh-CN': '销售' },
      objects: { deal: { create: true, read: 'all', update: 'all', delete: 'none' } },
    });
    expect(role.statusCode, role.body).toBeLessThan(300);
    const added = await api('POST', '/members', { ...owner, role: 'member' });
    expect(added.statusCode, added.body).toBe(201);
    ownerId = added.json().user.id;
    expect((await api('PUT', `/access/users/${ownerId}/roles`, { roles: ['sales_rep'] })).statusCode).toBe(200);
    const create = async (values: Record<string, unknown>) => {
      const res = await api('POST', '/objects/deal/records', { ...values, risk_level: 'normal', owner_id: ownerId });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    deals.east = await create({ title: '华东大单', amount: 250000, last_follow_up_at: new Date(clock.now().getTime() - 2 * day).toISOString() });
    deals.south = await create({ title: '华南大单', amount: 500000, last_follow_up_at: new Date(clock.now().getTime() - 3 * day).toISOString() });
    // A running server's minute dispatch acknowledges these creations (no rule watches deals yet),
    // so a rule enabled later does not replay them; the test does now what that schedule would.
    await srv.server.engine.automations.dispatch(await srv.server.engine.tenant(srv.server.tenant), 'e2e');
    designer = await launchBrowser();
    ownerBrowser = await launchBrowser();
  });

  afterAll(async () => {
    await designer?.close();
    await ownerBrowser?.close();
    await srv?.close();
  });

  /** Runs the due jobs until `name` has a finished run for `recordId` (a run is queued by the dispatcher, then run). */
  async function runsOf(name: string, recordId: string) {
    const tenant = await srv.server.engine.tenant(srv.server.tenant);
    for (let i = 0; i < 10; i++) {
      await srv.server.engine.jobs.runDue();
      const runs = (await tenant.automations.runs(name)).filter((r) => r.recordId === recordId && r.status !== 'running');
      if (runs.length) return runs;
    }
    return [];
  }

  /** Builds an automation in the designer: new → trigger → condition (amount > 100000) → 风险 + notify the owner. */
  async function design(page: Page, name: string, triggerKind: string, trigger: (editor: Locator) => Promise<void>) {
    await page.goto(`${srv.url}/t/${srv.server.tenant}/design/automations`);
    await page.getByRole('button', { name: '新建自动化' }).click();
    const modal = page.getByRole('dialog', { name: '新建自动化' });
    await modal.getByLabel('名称').fill(name);
    await pickOption(page, modal, '触发方式', triggerKind);
    await modal.getByRole('button', { name: /确\s*定/ }).click();
    const editor = page.getByTestId('automation-editor');
    await editor.waitFor();
    await trigger(editor);
    // If: the filter builder.
    await editor.getByRole('button', { name: '添加条件' }).click();
    const condition = editor.getByTestId('filter-condition').first();
    await pickOption(page, condition, '筛选字段', '金额');
    await pickOption(page, condition, '运算符', '大于');
    await condition.getByLabel('筛选值').locator('input').fill('100000');
    // Then: 风险状态 = 风险 on the deal, and a notification to its owner.
    await pickOption(page, editor, '添加动作', '更新记录');
    const update = editor.getByTestId('automation-action').nth(0);
    await update.getByRole('button', { name: '添加字段' }).click();
    await pickOption(page, update, '字段', '风险状态');
    await pickOption(page, update, '值', '风险');
    await pickOption(page, editor, '添加动作', '发送通知');
    const notify = editor.getByTestId('automation-action').nth(1);
    await notify.getByLabel('通知标题').fill(`${name}：请尽快跟进`);
    await page.getByTestId('draft-saved').waitFor();
    return editor;
  }

  async function dryRun(page: Page, editor: Locator, dealTitle: string) {
    await pickOption(page, editor, '试运行的记录', dealTitle);
    await editor.getByRole('button', { name: '试运行' }).click();
    const result = editor.getByTestId('dry-run-result');
    await result.waitFor();
    return result;
  }

  async function enable(editor: Locator) {
    await editor.getByRole('switch', { name: '启用' }).click();
    await editor.getByText('已启用').waitFor();
  }

  it('the owner has the app open: the bell shows nothing yet', async () => {
    await signIn(ownerBrowser.page, srv.url, owner.email, owner.password);
    await ownerBrowser.page.getByRole('button', { name: '通知（0 条未读）' }).waitFor();
  });

  it('builds "big deal changed" in the designer, dry-runs it on a deal (the diff and who would be told), enables it', async () => {
    const { page } = designer;
    await signIn(page, srv.url, srv.server.admin.email, srv.server.admin.password);
    const editor = await design(page, '大单变更提醒', '字段变化时', async (e) => {
      await pickOption(page, e, '监听字段', '金额');
      await page.keyboard.press('Escape');
    });
    const result = await dryRun(page, editor, '华东大单');
    await result.getByText('会运行').waitFor();
    const change = result.getByRole('row').filter({ hasText: '风险状态' });
    expect(await change.allInnerTexts()).toEqual([expect.stringMatching(/风险状态\s+正常\s+风险/)]);
    await result.getByText('将通知：林销售').waitFor();
    await shot(page, 'automations-01-dry-run');
    // The dry run changed nothing.
    expect(await deal(deals.east)).toMatchObject({ risk_level: 'normal', version: 1 });
    await enable(editor);
    await shot(page, 'automations-02-enabled');
    const live = (await api('GET', '/metadata')).json().metadata.automations;
    expect(live).toEqual([expect.objectContaining({ enabled: true, owner: expect.any(String), trigger: expect.objectContaining({ kind: 'field.changed' }) })]);
  });

  it('the owner raises the amount: the bell shows the notification without a reload, the deal shows 风险, the run log lists the run', async () => {
    const page = ownerBrowser.page;
    await page.goto(`${srv.url}/t/${srv.server.tenant}/o/deal/r/${deals.east}`);
    await page.getByRole('button', { name: /编\s*辑/ }).click();
    await page.getByLabel('金额').fill('300000');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByText('已保存').first().waitFor();
    await page.goto(`${srv.url}/t/${srv.server.tenant}/o/deal`);
    await page.getByRole('button', { name: '通知（0 条未读）' }).waitFor();
    const loaded = page.url();
    const name = (await api('GET', '/metadata')).json().metadata.automations[0].name as string;
    expect(await runsOf(name, deals.east)).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    const bell = page.getByRole('button', { name: '通知（1 条未读）' });
    await bell.waitFor();
    expect(page.url()).toBe(loaded);
    await bell.click();
    await page.getByTestId('notification').filter({ hasText: '大单变更提醒：请尽快跟进' }).click();
    await page.waitForURL(`${srv.url}/t/${srv.server.tenant}/o/deal/r/${deals.east}`);
    await fieldItem(page, 'risk_level').getByText('风险', { exact: true }).waitFor();
    await shot(page, 'automations-03-owner-sees-risk');
    // The designer's run log lists the run, succeeded.
    const log = designer.page.getByTestId('run-log');
    await designer.page.getByRole('button', { name: '重新加载' }).click();
    await log.getByText('成功').waitFor();
    await shot(designer.page, 'automations-04-run-log');
  });

  it('builds "big deal without follow-up" (inactivity, 7 days) in the designer, dry-runs it, enables it', async () => {
    const { page } = designer;
    const editor = await design(page, '大单未跟进', '一段时间未跟进', async (e) => {
      // The trigger's defaults are the deal's first date field and 7 days; the test checks it says so.
      await e.getByLabel('最近跟进时间').or(e.getByText('最近跟进时间')).first().waitFor();
      expect(await e.getByLabel('天数').inputValue()).toBe('7');
    });
    const result = await dryRun(page, editor, '华南大单');
    // Followed up 3 days ago: not due yet, the condition holds, and the actions are shown.
    await result.getByText('不会运行').waitFor();
    await result.getByText(/尚未到期/).waitFor();
    await result.getByText('将通知：林销售').waitFor();
    await enable(editor);
    await shot(page, 'automations-05-inactivity-enabled');
    const live = (await api('GET', '/metadata')).json().metadata.automations;
    expect(live).toContainEqual(expect.objectContaining({ enabled: true, trigger: expect.objectContaining({ kind: 'inactivity', days: 7 }) }));
  });

  it('8 days later (the clock moved): the owner sees the notification in the bell without a reload, the deal shows 风险, the run log lists the run', async () => {
    const page = ownerBrowser.page;
    await page.goto(`${srv.url}/t/${srv.server.tenant}/o/deal`);
    // The first notification was read when the owner opened it.
    await page.getByRole('button', { name: '通知（0 条未读）' }).waitFor();
    const loaded = page.url();
    // As a running worker does: the minutely sweep sees the new rule within a minute (it fires from then on)…
    await srv.server.engine.automations.schedule();
    clock.advance(61_000);
    await srv.server.engine.jobs.runDue();
    // …and the clock moves 8 days on: the deal followed up 3 days before the start is 7 days quiet.
    clock.advance(8 * day);
    const name = (await api('GET', '/metadata')).json().metadata.automations.find((a: { trigger: { kind: string } }) => a.trigger.kind === 'inactivity').name;
    expect(await runsOf(name, deals.south)).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    // Both big deals of the owner have been quiet for 7 days by now: one notification each.
    expect(await runsOf(name, deals.east)).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    const bell = page.getByRole('button', { name: '通知（2 条未读）' });
    await bell.waitFor();
    expect(page.url()).toBe(loaded);
    await bell.click();
    const told = page.getByTestId('notification').filter({ hasText: '大单未跟进：请尽快跟进' });
    await told.nth(1).waitFor();
    await told.first().click();
    // The notification links to its deal, which shows 风险.
    await page.waitForURL(new RegExp(`/t/${srv.server.tenant}/o/deal/r/(${deals.south}|${deals.east})$`));
    await fieldItem(page, 'risk_level').getByText('风险', { exact: true }).waitFor();
    await designer.page.getByRole('button', { name: '重新加载' }).click();
    await designer.page.getByTestId('run-log').getByText('成功').first().waitFor();
  });
});
