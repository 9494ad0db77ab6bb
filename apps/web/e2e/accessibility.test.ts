import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '@tangram/server/testing';
import { type Browser, browserAvailable, launchBrowser, reportFailures, shot } from './support/browser';
import { type RunningServer, startServer } from './support/server';
import { signIn, tableRows } from './support/ui';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** axe-core's rules about names: every input, select, button, link and toggle has one a screen reader can say. */
const namingRules = [
  'label',
  'select-name',
  'button-name',
  'input-button-name',
  'link-name',
  'image-alt',
  'aria-input-field-name',
  'aria-toggle-field-name',
  'aria-command-name',
  'aria-progressbar-name',
];

interface Violation {
  rule: string;
  nodes: string[];
}

/** Runs axe-core's naming rules on the page as it is now; returns what fails, with each node's HTML. */
async function audit(page: Page): Promise<Violation[]> {
  // Evaluated through the DevTools protocol: the app's CSP (no inline scripts) rightly refuses a <script> tag.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async (rules) => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; nodes: { html: string }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'rule', values: rules } });
    return result.violations.map((v) => ({ rule: v.id, nodes: v.nodes.map((n) => n.html.slice(0, 160)) }));
  }, namingRules);
}

/** Presses Tab until the focused element matches, failing after `max` presses (so the target must be reachable by keyboard). */
async function tabTo(page: Page, matches: (el: { tag: string; text: string; label: string; id: string }) => boolean, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const el = await page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      return {
        tag: a?.tagName.toLowerCase() ?? '',
        text: (a?.textContent ?? '').trim(),
        label: a?.getAttribute('aria-label') ?? (a?.id ? (document.querySelector(`label[for="${a.id}"]`)?.textContent ?? '') : ''),
        id: a?.id ?? '',
      };
    });
    if (matches(el)) return;
  }
  throw new Error(`not reached with ${max} presses of Tab`);
}

const option = (key: string, zh: string) => ({ key, label: { 'zh-CN': zh, en: key } });

// Issue 5's Done-when: "Inputs have labels; forms and lists work from the keyboard" — checked with
// axe-core on every page and every field type's editor, and by working a list and a form with the keyboard only.
describe.runIf(browserAvailable())('labels and keyboard (browser)', () => {
  let srv: RunningServer;
  let browser: Browser;
  reportFailures(() => browser?.page);
  let admin: Session;
  const api = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    srv.server.as(admin, { method, url: `/api/v1/t/${srv.server.tenant}${url}`, payload: payload as never });
  const at = (path: string) => `${srv.url}/t/${srv.server.tenant}${path}`;
  let kitchenId = '';

  beforeAll(async () => {
    srv = await startServer();
    admin = await srv.server.login(srv.server.admin.email, srv.server.admin.password);
    const published = await api('POST', '/metadata/publish', {
      message: 'every field type',
      metadata: {
        objects: [
          {
            name: 'customer',
            label: { 'zh-CN': '客户', en: 'Customer' },
            fields: [{ name: 'name', type: 'text', required: true, label: { 'zh-CN': '名称' } }],
          },
          {
            name: 'kitchen',
            label: { 'zh-CN': '全类型', en: 'Kitchen sink' },
            fields: [
              { name: 'name', type: 'text', required: true, label: { 'zh-CN': '名称' } },
              { name: 'notes', type: 'textarea', label: { 'zh-CN': '备注' } },
              { name: 'body', type: 'richtext', label: { 'zh-CN': '正文' } },
              { name: 'qty', type: 'integer', label: { 'zh-CN': '数量' } },
              { name: 'ratio', type: 'decimal', label: { 'zh-CN': '系数' } },
              { name: 'price', type: 'currency', label: { 'zh-CN': '价格' } },
              { name: 'rate', type: 'percent', label: { 'zh-CN': '比例' } },
              { name: 'active', type: 'boolean', label: { 'zh-CN': '启用' } },
              { name: 'day', type: 'date', label: { 'zh-CN': '日期' } },
              { name: 'at', type: 'datetime', label: { 'zh-CN': '时间' } },
              { name: 'level', type: 'select', label: { 'zh-CN': '等级' }, options: { options: [option('a', '甲'), option('b', '乙')] } },
              { name: 'tags', type: 'multiselect', label: { 'zh-CN': '标签' }, options: { options: [option('x', '重要'), option('y', '加急')] } },
              { name: 'mail', type: 'email', label: { 'zh-CN': '邮箱' } },
              { name: 'tel', type: 'phone', label: { 'zh-CN': '电话' } },
              { name: 'site', type: 'url', label: { 'zh-CN': '网址' } },
              { name: 'code', type: 'autonumber', label: { 'zh-CN': '编号' }, options: { format: 'K-{0000}' } },
              { name: 'customer', type: 'lookup', label: { 'zh-CN': '客户' }, options: { target: 'customer' } },
              { name: 'partners', type: 'manytomany', label: { 'zh-CN': '合作客户' }, options: { target: 'customer' } },
              { name: 'owner2', type: 'user', label: { 'zh-CN': '负责人' } },
              { name: 'dept', type: 'department', label: { 'zh-CN': '部门' } },
              { name: 'files', type: 'attachment', label: { 'zh-CN': '附件' } },
              {
                name: 'doubled',
                type: 'formula',
                label: { 'zh-CN': '双倍数量' },
                options: { resultType: 'number', expression: { '*': [{ var: 'qty' }, 2] } },
              },
              {
                name: 'line_total',
                type: 'rollup',
                label: { 'zh-CN': '明细合计' },
                options: { object: 'kitchen_line', via: 'kitchen', aggregate: 'sum', field: 'amount' },
              },
              { name: 'extra', type: 'json', label: { 'zh-CN': '扩展数据' } },
            ],
          },
          {
            name: 'kitchen_line',
            label: { 'zh-CN': '全类型明细', en: 'Kitchen line' },
            fields: [
              { name: 'kitchen', type: 'masterdetail', label: { 'zh-CN': '全类型' }, options: { target: 'kitchen', detailName: 'lines' } },
              { name: 'item', type: 'text', label: { 'zh-CN': '项目' } },
              { name: 'amount', type: 'decimal', label: { 'zh-CN': '金额' } },
            ],
          },
        ],
        views: [{ name: 'board', object: 'kitchen', type: 'kanban', label: { 'zh-CN': '看板' }, groupBy: 'level', columns: ['name', 'qty'] }],
        menu: [
          {
            id: 'group',
            label: { 'zh-CN': '全部' },
            children: [
              { id: 'kitchen', object: 'kitchen' },
              { id: 'board', object: 'kitchen', view: 'board' },
            ],
          },
          { id: 'customers', object: 'customer' },
        ],
        // One automation with a part of each editor: a condition, values (constant and formula), recipients.
        automations: [
          {
            name: 'kitchen_alert',
            label: { 'zh-CN': '大数量提醒' },
            object: 'kitchen',
            trigger: { kind: 'field.changed', fields: ['qty'] },
            condition: { '>': [{ var: 'qty' }, 10] },
            actions: [
              {
                id: 'a1',
                kind: 'updateRecord',
                target: { kind: 'self' },
                values: [
                  { field: 'level', value: 'b' },
                  { field: 'notes', formula: { cat: ['数量 ', { var: 'qty' }] } },
                ],
              },
              { id: 'a2', kind: 'notify', to: [{ kind: 'owner' }, { kind: 'userField', field: 'owner2' }], title: { 'zh-CN': '数量很大' } },
            ],
          },
        ],
      },
    });
    expect(published.statusCode, published.body).toBe(201);
    const customer = (await api('POST', '/objects/customer/records', { name: '青禾科技' })).json();
    const created = await api('POST', '/objects/kitchen/records', {
      name: '第一条',
      qty: 3,
      level: 'a',
      tags: ['x'],
      customer: customer.id,
      partners: [customer.id],
      lines: [{ item: '安装', amount: 100 }],
    });
    expect(created.statusCode, created.body).toBe(201);
    kitchenId = created.json().id;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('gives every input, select, button and link a name, on every page and for every field type', async () => {
    const { page } = browser;
    await page.goto(`${srv.url}/`);
    await page.getByLabel('邮箱').waitFor();
    const found: Record<string, Violation[]> = { 'sign-in': await audit(page) };
    await signIn(page, srv.url, srv.server.admin.email, srv.server.admin.password);

    const pages: [string, string, (p: Page) => Promise<unknown>][] = [
      ['list', '/o/kitchen', (p) => tableRows(p).first().waitFor()],
      ['kanban', '/o/kitchen?v=board', (p) => p.getByTestId('kanban-card').first().waitFor()],
      ['new record (every editor)', '/o/kitchen/new', (p) => p.getByRole('heading', { name: '新建全类型' }).waitFor()],
      ['new detail line (master-detail editor)', '/o/kitchen_line/new', (p) => p.getByRole('heading', { name: '新建全类型明细' }).waitFor()],
      ['record (every display)', `/o/kitchen/r/${kitchenId}`, (p) => p.getByTestId('history').waitFor()],
      ['search', '/search', (p) => p.getByRole('heading', { name: '全局搜索' }).waitFor()],
      ['recycle bin', '/trash', (p) => p.getByRole('heading', { name: '回收站' }).waitFor()],
      ['designer: objects', '/design', (p) => p.getByTestId('object-card-kitchen').waitFor()],
      ['designer: fields', '/design/objects/kitchen', (p) => p.getByTestId('object-canvas').waitFor()],
      ['designer: form', '/design/forms/kitchen', (p) => p.getByText('未放置的字段').first().waitFor()],
      ['designer: views', '/design/views/board', (p) => p.getByTestId('view-columns').waitFor()],
      ['designer: menu', '/design/menu', (p) => p.getByTestId('menu-tree').waitFor()],
      ['designer: automations', '/design/automations', (p) => p.getByRole('link', { name: '大数量提醒' }).waitFor()],
      ['designer: automation', '/design/automations/kitchen_alert', (p) => p.getByTestId('automation-action').nth(1).waitFor()],
      ['designer: buttons', '/design/buttons', (p) => p.getByRole('button', { name: '新建按钮' }).waitFor()],
      ['designer: revisions', '/design/revisions', (p) => p.getByText('every field type').first().waitFor()],
      ['app market', '/market', (p) => p.getByTestId('package-crm').waitFor()],
      ['members', '/members', (p) => p.getByRole('cell', { name: srv.server.admin.email }).waitFor()],
      ['mail settings', '/mail', (p) => p.getByTestId('mail-transport').waitFor()],
    ];
    for (const [name, path, ready] of pages) {
      await page.goto(at(path));
      await ready(page);
      found[name] = await audit(page);
    }
    // Editing in place, a field selected in the designer's property panel.
    await page.goto(at(`/o/kitchen/r/${kitchenId}`));
    await page.getByRole('button', { name: /编\s*辑/ }).click();
    await page.getByTestId('detail-lines').getByRole('button', { name: '添加一行' }).waitFor();
    found['record, editing'] = await audit(page);
    await page.goto(at('/design/objects/kitchen'));
    await page.locator('[data-testid="designer-field"][data-name="level"]').click();
    await page.getByTestId('select-options').waitFor();
    found['designer: property panel'] = await audit(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(at('/o/kitchen'));
    await page.getByText('第一条').first().waitFor();
    found['list on a phone'] = await audit(page);
    await page.setViewportSize({ width: 1366, height: 900 });

    expect(Object.fromEntries(Object.entries(found).filter(([, v]) => v.length > 0))).toEqual({});
  });

  it('works a list and a form with the keyboard only', async () => {
    const { page } = browser;
    await page.goto(at('/o/kitchen'));
    await tableRows(page).first().waitFor();
    // Sort by a column from the keyboard: its header is focusable and Enter sorts.
    await page.getByRole('columnheader', { name: '数量' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('columnheader', { name: '数量' }).getAttribute('aria-sort')).toBe('ascending');

    // New record: Tab to 新建, fill the name, pick a select option with the arrows, save with Enter.
    await page.getByRole('searchbox').first().focus();
    await tabTo(page, (el) => el.tag === 'button' && /新\s*建/.test(el.text));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '新建全类型' }).waitFor();
    await tabTo(page, (el) => el.label.includes('名称'));
    await page.keyboard.type('键盘录入的记录');
    await tabTo(page, (el) => el.label.includes('数量'));
    await page.keyboard.type('7');
    await tabTo(page, (el) => el.label.includes('等级'));
    await page.keyboard.press('ArrowDown');
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await tabTo(page, (el) => el.tag === 'button' && /保\s*存/.test(el.text), 120);
    await shot(page, 'a11y-01-keyboard-form');
    await page.keyboard.press('Enter');
    await page.getByTestId('history').waitFor();
    const saved = (await api('GET', `/objects/kitchen/records?search=${encodeURIComponent('键盘录入')}`)).json().records[0];
    expect(saved).toMatchObject({ name: '键盘录入的记录', qty: 7, level: 'b' });

    // Back in the list, open a record from its title link with Enter.
    await page.goto(at('/o/kitchen'));
    await tableRows(page).first().waitFor();
    await page.getByRole('searchbox').first().focus();
    await tabTo(page, (el) => el.tag === 'a' && el.text === '第一条', 120);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '第一条' }).waitFor();
    expect(page.url()).toContain(`/r/${kitchenId}`);

    // Lay out a form from the keyboard: select a field on it, move it down.
    await page.goto(at('/design/forms/kitchen'));
    await page.getByTestId('form-section').first().waitFor();
    await page.getByRole('searchbox').first().focus();
    await tabTo(page, (el) => el.tag === 'button' && el.text.startsWith('名称'), 150);
    await page.keyboard.press('Enter');
    await tabTo(page, (el) => el.tag === 'button' && el.label === '下移', 150);
    await page.keyboard.press('Enter');
    await page.getByTestId('draft-saved').waitFor();
    await expect
      .poll(async () => {
        const forms = (await api('GET', '/metadata/draft')).json().metadata.forms as { object: string; tabs: { sections: { fields: string[] }[] }[] }[];
        return forms?.find((f) => f.object === 'kitchen')?.tabs[0]?.sections[0]?.fields.slice(0, 2);
      })
      .toEqual(['notes', 'name']);
  });
});
