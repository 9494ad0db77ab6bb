import { readFileSync } from 'node:fs';
import type { Session } from '@tangram/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type Browser, browserAvailable, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import { fieldItem, pickOption, signIn } from './support/ui';

/** The versions the bundled templates ship at (the test follows a template release). */
const version = (name: string) =>
  (JSON.parse(readFileSync(new URL(`../../../templates/${name}/manifest.json`, import.meta.url), 'utf8')) as { version: string }).version;
const [core, crmVersion] = [version('core'), version('crm')];
const escaped = (v: string) => v.replaceAll('.', '\\.');

/** A menu entry whose text is exactly `text` (entries carry an icon, so their names do not match exactly). */
const menuItem = (page: Page, text: string) => page.getByRole('menuitem').filter({ hasText: new RegExp(`^${text}$`) });

interface Opportunity {
  id: string;
  version: number;
  name: string;
  stage: string;
  competition: string | null;
  owner_id: string;
  account: string;
}

// Done-when of issue 6: an implementer installs the CRM from the app market on a fresh instance,
// customises it (a field on 商机, a stage in its pipeline), and a 销售代表 then works in it.
describe.runIf(browserAvailable())('an implementer sets up the CRM from the app market (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  reportFailures(() => browser?.page);
  let admin: Session;
  const rep = { email: '', name: '王小明', password: 'rep password 1' };
  const api = (method: 'GET', url: string) => srv.server.as(admin, { method, url: `/api/v1/t/${srv.server.tenant}${url}` });

  beforeAll(async () => {
    srv = await startServer();
    admin = await srv.server.login(srv.server.admin.email, srv.server.admin.password);
    rep.email = `xiaoming@${srv.server.domain}`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('installs the CRM with its sample data from the app market, watching the progress', async () => {
    const { page } = browser;
    await signIn(page, srv.url, srv.server.admin.email, srv.server.admin.password);
    // A fresh tenant has no objects: the designer points to the market.
    await page.getByText('还没有对象').waitFor();
    await page.getByRole('menuitem', { name: '应用市场' }).click();
    const crm = page.getByTestId('package-crm');
    await crm.getByText('依赖 core ^1.0.0').waitFor();
    await shot(page, 'market-01-available');
    await crm.getByRole('button', { name: '安装 客户关系管理' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByRole('checkbox', { name: /同时导入示例数据/ }).isChecked()).toBe(true);
    // The install may take only seconds: record every state the progress bar shows.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { progressSeen: string[] }).progressSeen = seen;
      new MutationObserver(() => {
        const bar = document.querySelector('[data-testid="install-progress"]');
        const text = bar ? `${bar.querySelector('.ant-progress-text')?.textContent} ${bar.querySelector('.ant-typography')?.textContent}` : '';
        if (bar && seen.at(-1) !== text) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await dialog.getByRole('button', { name: /安\s*装/ }).click();
    await dialog.getByTestId('install-done').waitFor({ timeout: 120_000 });
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
    expect(seen[0]).toMatch(/正在合并与检查/);
    expect(seen).toContainEqual(expect.stringMatching(/正在发布元数据与角色/));
    const loading = seen.map((s) => s.match(/(\d+)% 正在导入示例数据 (\d+) \/ (\d+)/)).filter((m) => m !== null);
    expect(loading.length).toBeGreaterThan(2);
    expect(loading.every((m) => m[3] === loading[0]?.[3])).toBe(true);
    expect(Number(loading.at(-1)?.[2])).toBeGreaterThan(Number(loading[0]?.[2]));
    expect(Number(loading.at(-1)?.[1])).toBeGreaterThan(Number(loading[0]?.[1]));
    expect(await dialog.getByTestId('install-done').textContent()).toMatch(
      new RegExp(`已安装：core ${escaped(core)}、crm ${escaped(crmVersion)}[\\s\\S]*导入了 \\d+ 条示例数据`),
    );
    await shot(page, 'market-02-installed');
    await dialog.getByRole('button', { name: /关\s*闭/ }).click();
    await crm.getByText(`已安装 ${crmVersion}`).waitFor();

    const installed = (await api('GET', '/templates')).json().installed.map((p: { name: string; version: string }) => `${p.name}@${p.version}`);
    expect(installed).toEqual([`core@${core}`, `crm@${crmVersion}`]);
    expect((await api('GET', '/objects/opportunity/records?count=true&limit=1')).json().total).toBeGreaterThan(100);
  });

  it('adds a field to 商机 and a stage to its pipeline in the designer, and publishes', async () => {
    const { page } = browser;
    await page.getByRole('menuitem', { name: '设计器' }).click();
    await page.getByTestId('object-card-opportunity').getByRole('button', { name: '字段' }).click();
    await page.getByTestId('object-canvas').waitFor();

    await page.getByTestId('palette-text').dragTo(page.getByTestId('object-canvas'));
    const panel = page.getByTestId('property-panel');
    await panel.getByLabel('显示名称').fill('竞争情况');
    await panel.getByLabel('显示名称').press('Enter');
    await panel.getByLabel('API 名称').fill('competition');
    await panel.getByLabel('API 名称').press('Enter');
    await page.locator('[data-testid="designer-field"][data-name="competition"]').waitFor();

    // A new stage, 商务洽谈, moved up to sit before 赢单 and 输单.
    await page.locator('[data-testid="designer-field"][data-name="stage"]').click();
    const options = panel.getByTestId('select-options');
    await options.getByRole('button', { name: '添加选项' }).click();
    await options.locator('#option-label-7').fill('商务洽谈');
    await options.locator('#option-label-7').press('Enter');
    await options.getByRole('button', { name: '上移' }).nth(7).click();
    await options.getByRole('button', { name: '上移' }).nth(6).click();
    await expect
      .poll(() => options.locator('input').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)))
      .toEqual(['初步接洽', '需求确认', '方案/演示', '报价', '谈判审核', '商务洽谈', '赢单', '输单']);
    await page.getByTestId('draft-saved').waitFor();
    await shot(page, 'market-04-customised');

    await page.getByRole('menuitem', { name: '发布' }).click();
    await page.getByTestId('plan-step').first().waitFor();
    const steps = await page.getByTestId('plan-step').allInnerTexts();
    expect(steps.some((s) => s.includes('竞争情况'))).toBe(true);
    await page.getByRole('button', { name: '立即发布' }).click();
    await page
      .getByText(/已发布版本/)
      .first()
      .waitFor();
    const opportunity = (await api('GET', '/metadata')).json().metadata.objects.find((o: { name: string }) => o.name === 'opportunity');
    expect(opportunity.fields.find((f: { name: string }) => f.name === 'competition')).toMatchObject({ type: 'text', label: { 'zh-CN': '竞争情况' } });
    const stage = opportunity.fields.find((f: { name: string }) => f.name === 'stage');
    expect(stage.options.options.map((o: { key: string }) => o.key)).toEqual([
      'initial',
      'needs',
      'proposal',
      'quote',
      'negotiation',
      'option_8',
      'won',
      'lost',
    ]);
  });

  it('adds a member holding the 销售代表 role', async () => {
    const { page } = browser;
    await page.getByRole('menuitem', { name: '成员与角色' }).click();
    await page.getByRole('button', { name: '添加成员' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('邮箱').fill(rep.email);
    await dialog.getByLabel('姓名').fill(rep.name);
    await dialog.getByLabel('初始密码').fill(rep.password);
    await pickOption(page, dialog, '角色', '销售代表');
    // A multiple select keeps its dropdown open over the buttons: close it first.
    await dialog.locator('.ant-modal-title').click();
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').waitFor({ state: 'hidden' });
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await page.getByRole('cell', { name: rep.email }).waitFor();
    // The dialog closes once the roles are given too (the list shows the member after the first of the two requests).
    await dialog.waitFor({ state: 'hidden' });
    await shot(page, 'market-05-member');
    const members = (await api('GET', `/org/members?q=${encodeURIComponent(rep.name)}`)).json().members;
    expect(members).toMatchObject([{ email: rep.email, tenantRole: 'member', roles: ['sales_rep'] }]);
  });

  it('lets the 销售代表 create an account, a contact and an opportunity through the forms', async () => {
    const { page } = browser;
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '退出登录' }).click();
    // The sign-out request has been answered once the app is on the sign-in page (a navigation before would cancel it).
    await page.waitForURL(/\/login(\?|$)/);
    await signIn(page, srv.url, rep.email, rep.password);
    // Members see the apps, not the designer, market or members pages.
    expect(await page.getByRole('menuitem', { name: '应用市场' }).count()).toBe(0);

    await menuItem(page, '客户').first().click();
    await page.getByRole('button', { name: /新\s*建/ }).click();
    await page.getByRole('heading', { name: '新建客户' }).waitFor();
    await page.getByLabel('客户名称').fill('杭州青禾科技有限公司');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByTestId('history').waitFor();

    await menuItem(page, '联系人').first().click();
    await page.getByRole('button', { name: /新\s*建/ }).click();
    await page.getByRole('heading', { name: '新建联系人' }).waitFor();
    await page.getByLabel('姓名').fill('陈思远');
    await fieldItem(page, 'account').getByRole('combobox').fill('青禾');
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: '杭州青禾科技有限公司' }).click();
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByTestId('history').waitFor();

    await menuItem(page, '商机').click();
    await page.getByRole('button', { name: /新\s*建/ }).click();
    await page.getByRole('heading', { name: '新建商机' }).waitFor();
    await page.getByLabel('商机名称').fill('青禾 ERP 实施项目');
    await fieldItem(page, 'account').getByRole('combobox').fill('青禾');
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: '杭州青禾科技有限公司' }).click();
    await page.getByLabel('竞争情况').fill('对手报价低 10%');
    await shot(page, 'market-06-opportunity-form');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByTestId('history').waitFor();

    const mine = (await api('GET', `/objects/opportunity/records?search=${encodeURIComponent('青禾 ERP')}`)).json().records as Opportunity[];
    expect(mine).toHaveLength(1);
    const [created] = mine as [Opportunity];
    expect(created).toMatchObject({ stage: 'initial', competition: '对手报价低 10%', version: 1 });
    const repId = (await api('GET', `/org/members?q=${encodeURIComponent(rep.name)}`)).json().members[0].id;
    expect(created.owner_id).toBe(repId);
    const contact = (await api('GET', `/objects/contact/records?search=${encodeURIComponent('陈思远')}`)).json().records[0];
    expect(contact).toMatchObject({ account: created.account, owner_id: repId });
  });

  it('lets the 销售代表 drag the opportunity across the pipeline kanban, seeing only their own', async () => {
    const { page } = browser;
    // Eight stages: on a full-HD screen 初步接洽 and 商务洽谈 are both in view.
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.getByRole('menuitem', { name: '商机看板' }).click();
    const card = page.locator('[data-testid="kanban-card"]', { hasText: '青禾 ERP 实施项目' });
    await card.waitFor();
    // Scoped to their own opportunities: the sample data's are not there.
    expect(await page.getByTestId('kanban-card').count()).toBe(1);
    await page.locator('[data-testid="kanban-column"][data-value="option_8"]').getByText('商务洽谈').waitFor();
    await card.dragTo(page.locator('[data-testid="kanban-column"][data-value="option_8"]'));
    await page.getByText('已移到「商务洽谈」').waitFor();
    await page.locator('[data-testid="kanban-column"][data-value="option_8"] [data-testid="kanban-card"]', { hasText: '青禾 ERP 实施项目' }).waitFor();
    await shot(page, 'market-07-kanban');
    const moved = (await api('GET', `/objects/opportunity/records?search=${encodeURIComponent('青禾 ERP')}`)).json().records[0] as Opportunity;
    expect(moved).toMatchObject({ stage: 'option_8', version: 2, competition: '对手报价低 10%' });
  });
});
