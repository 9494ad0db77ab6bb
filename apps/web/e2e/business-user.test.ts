import type { Session } from '@tangram/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, browserAvailable, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import { fieldItem, pickOption, signIn, tableRows } from './support/ui';

interface DeviceRecord {
  id: string;
  version: number;
  name: string;
  status: string | null;
  quantity: number | null;
}

// Done-when of issue 5: a business user builds 设备 in the designer and works with it, on a desktop and a phone.
describe.runIf(browserAvailable())('a business user builds and uses an app (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  reportFailures(() => browser?.page);
  let admin: Session;
  const api = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    srv.server.as(admin, { method, url: `/api/v1/t/${srv.server.tenant}${url}`, payload: payload as never });
  const devices = async () => (await api('GET', '/objects/device/records?sort=name&limit=50')).json().records as DeviceRecord[];

  beforeAll(async () => {
    srv = await startServer();
    admin = await srv.server.login(srv.server.admin.email, srv.server.admin.password);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  async function dropField(type: string, label: string, name: string) {
    const { page } = browser;
    await page.getByTestId(`palette-${type}`).dragTo(page.getByTestId('object-canvas'));
    const panel = page.getByTestId('property-panel');
    await panel.waitFor();
    await panel.getByLabel('显示名称').fill(label);
    await panel.getByLabel('显示名称').press('Enter');
    await panel.getByLabel('API 名称').fill(name);
    await panel.getByLabel('API 名称').press('Enter');
    await page.locator(`[data-testid="designer-field"][data-name="${name}"]`).waitFor();
  }

  it('creates the object 设备 by dragging field types onto it', async () => {
    const { page } = browser;
    await signIn(page, srv.url, srv.server.admin.email, srv.server.admin.password);
    await page.getByRole('button', { name: '新建对象' }).click();
    await page.getByLabel('对象名称').fill('设备');
    await page.getByLabel('对象 API 名称').fill('device');
    await page.getByRole('button', { name: /确\s*定/ }).click();
    await page.getByTestId('object-canvas').waitFor();

    await dropField('text', '名称', 'name');
    await page.getByTestId('property-panel').getByLabel('必填').click();
    await dropField('select', '状态', 'status');
    const options = page.getByTestId('select-options');
    for (const [i, text] of ['正常', '维修中'].entries()) {
      await options.locator(`#option-label-${i}`).fill(text);
      await options.locator(`#option-label-${i}`).press('Enter');
    }
    await dropField('integer', '数量', 'quantity');
    await page.getByTestId('property-panel').getByLabel('min').fill('0');
    await page.getByTestId('property-panel').getByLabel('min').blur();
    await dropField('date', '购买日期', 'purchased_on');
    await page.getByTestId('draft-saved').waitFor();
    await shot(page, 'flow-01-object-designed');

    const fields = await page.getByTestId('designer-field').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
    expect(fields).toEqual(['name', 'status', 'quantity', 'purchased_on']);
  });

  it('arranges its form by dragging fields into sections', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: '表单设计' }).click();
    await page.getByTestId('form-section').first().waitFor();
    await page.getByRole('button', { name: '添加分组' }).click();
    const second = page.getByTestId('form-section').nth(1);
    await page.locator('[data-testid="form-field"][data-name="purchased_on"]').dragTo(second);
    await page.locator('[data-testid="form-field"][data-name="quantity"]').dragTo(second);
    // Reorder: 状态 before 名称.
    await page.locator('[data-testid="form-field"][data-name="status"]').dragTo(page.locator('[data-testid="form-field"][data-name="name"]'));
    await page.getByTestId('draft-saved').waitFor();
    const layout = await page
      .getByTestId('form-section')
      .evaluateAll((els) => els.map((s) => [...s.querySelectorAll('[data-testid="form-field"]')].map((f) => f.getAttribute('data-name'))));
    expect(layout).toEqual([
      ['status', 'name'],
      ['purchased_on', 'quantity'],
    ]);
    await shot(page, 'flow-02-form-arranged');
  });

  it('previews the publish plan and publishes', async () => {
    const { page } = browser;
    await page.getByRole('menuitem', { name: '发布' }).click();
    await page.getByTestId('plan-step').first().waitFor();
    const steps = await page.getByTestId('plan-step').allInnerTexts();
    expect(steps.some((s) => s.includes('新建对象「设备」'))).toBe(true);
    await shot(page, 'flow-03-publish-plan');
    await page.getByRole('button', { name: '立即发布' }).click();
    await page
      .getByText(/已发布版本/)
      .first()
      .waitFor();
    await page.getByRole('menuitem', { name: '设备' }).waitFor();
    await page.getByRole('menuitem', { name: '版本历史' }).click();
    await page.getByText('#1').click();
    await page.getByTestId('plan-step').filter({ hasText: '新建对象「设备」' }).waitFor();
    await shot(page, 'flow-03b-revisions');
    const md = (await api('GET', '/metadata')).json();
    expect(md.metadata.objects.find((o: { name: string }) => o.name === 'device').fields.map((f: { name: string }) => f.name)).toEqual([
      'name',
      'status',
      'quantity',
      'purchased_on',
    ]);
  });

  async function createDevice(values: { name: string; status: string; quantity: string }) {
    const { page } = browser;
    await page.getByRole('menuitem', { name: '设备' }).click();
    await page.getByRole('button', { name: /新\s*建/ }).click();
    await page.getByRole('heading', { name: '新建设备' }).waitFor();
    await page.getByLabel('名称').fill(values.name);
    await pickOption(page, page, '状态', values.status);
    await page.getByLabel('数量').fill(values.quantity);
    await page.getByRole('button', { name: /保\s*存/ }).click();
  }

  it('creates three records through the arranged form, one refused on its field first', async () => {
    const { page } = browser;
    await createDevice({ name: '空压机 A1', status: '正常', quantity: '2' });
    await page.getByTestId('history').waitFor();
    const order = await page.locator('[data-field]').evaluateAll((els) => els.map((e) => e.getAttribute('data-field')));
    expect(order).toEqual(['status', 'name', 'purchased_on', 'quantity']);

    await createDevice({ name: '空压机 A2', status: '维修中', quantity: '-1' });
    await fieldItem(page, 'quantity').locator('.ant-form-item-explain-error').waitFor();
    expect(await page.getByLabel('名称').inputValue()).toBe('空压机 A2');
    expect(await page.getByLabel('购买日期').getAttribute('placeholder')).toBe('请选择日期');
    await shot(page, 'flow-04-validation-error');
    await page.getByLabel('数量').fill('1');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByTestId('history').waitFor();

    await createDevice({ name: '叉车 F1', status: '正常', quantity: '3' });
    await page.getByTestId('history').waitFor();
    expect((await devices()).map((d) => [d.name, d.status, d.quantity])).toEqual([
      ['叉车 F1', 'option_1', 3],
      ['空压机 A1', 'option_1', 2],
      ['空压机 A2', 'option_2', 1],
    ]);
  });

  it('finds them in the list and filters it', async () => {
    const { page } = browser;
    await page.getByRole('menuitem', { name: '设备' }).click();
    await tableRows(page).nth(2).waitFor();
    expect(await tableRows(page).count()).toBe(3);
    await shot(page, 'flow-05-list');
    await page.getByRole('button', { name: /筛\s*选/ }).click();
    await page.getByRole('button', { name: '添加条件' }).click();
    const condition = page.getByTestId('filter-condition').first();
    await pickOption(page, condition, '筛选字段', '状态');
    await pickOption(page, condition, '筛选值', '维修中');
    await page.getByRole('button', { name: /应\s*用/ }).click();
    await expect.poll(() => tableRows(page).allInnerTexts()).toEqual([expect.stringContaining('空压机 A2')]);
    await shot(page, 'flow-06-filtered');
  });

  it('moves a card on the kanban, which updates the record with its version', async () => {
    const { page } = browser;
    await page.getByText('看板').click();
    const card = page.locator('[data-testid="kanban-card"]', { hasText: '空压机 A2' });
    await card.waitFor();
    await card.dragTo(page.locator('[data-testid="kanban-column"][data-value="option_1"]'));
    await page.getByText('已移到「正常」').waitFor();
    const moved = (await devices()).find((d) => d.name === '空压机 A2');
    expect(moved).toMatchObject({ status: 'option_1', version: 2 });
    await page.locator('[data-testid="kanban-column"][data-value="option_1"] [data-testid="kanban-card"]', { hasText: '空压机 A2' }).waitFor();
    await shot(page, 'flow-07-kanban');
  });

  it('edits a record on a phone-sized screen', async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${srv.url}/t/${srv.server.tenant}/o/device`);
    await page.getByTestId('record-card').first().waitFor();
    await shot(page, 'flow-08-phone-list');
    await page.getByTestId('record-card').filter({ hasText: '叉车 F1' }).getByRole('link').click();
    await page.getByRole('button', { name: /编\s*辑/ }).click();
    await page.getByLabel('数量').fill('4');
    await page.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByText('已保存').first().waitFor();
    await shot(page, 'flow-09-phone-edited');
    expect((await devices()).find((d) => d.name === '叉车 F1')).toMatchObject({ quantity: 4, version: 2 });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
  });
});
