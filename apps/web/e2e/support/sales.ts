import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Session } from '@tangram/server/testing';
import type { RunningServer } from './server';

// The sales data the dashboard tests share: accounts in two regions, deals over two quarters owned
// by two reps, and a "sales by region by quarter" report with a funnel on the home dashboard. A
// test adds its own reports and dashboards to the published metadata.

const option = (key: string, zh: string) => ({ key, label: { 'zh-CN': zh, en: key } });
export const regions = { east: '华东', west: '华西' } as const;
export const stages = { lead: '线索', proposal: '方案', won: '成交' } as const;

export interface Deal {
  name: string;
  stage: keyof typeof stages;
  amount: number;
  account: 'acme' | 'bolt' | 'cole';
  closed_on: string;
  owner: 'li' | 'han';
}
export const accounts = { acme: 'east', bolt: 'west', cole: 'east' } as const;
export const deals: Deal[] = [
  { name: '华东一季度 A', stage: 'lead', amount: 100.5, account: 'acme', closed_on: '2026-01-15', owner: 'li' },
  { name: '华东一季度 B', stage: 'proposal', amount: 200, account: 'cole', closed_on: '2026-02-20', owner: 'han' },
  { name: '华东一季度 C', stage: 'won', amount: 60, account: 'acme', closed_on: '2026-01-01', owner: 'han' },
  { name: '华东二季度 A', stage: 'won', amount: 300, account: 'cole', closed_on: '2026-04-03', owner: 'li' },
  { name: '华西一季度 A', stage: 'won', amount: 50, account: 'bolt', closed_on: '2026-03-31', owner: 'li' },
  { name: '华西二季度 A', stage: 'lead', amount: 75.25, account: 'bolt', closed_on: '2026-05-05', owner: 'han' },
  { name: '华西二季度 B', stage: 'proposal', amount: 125, account: 'bolt', closed_on: '2026-06-30', owner: 'han' },
];

export const regionOf = (d: Deal) => regions[accounts[d.account]];
export const quarterOf = (d: Deal) => `${d.closed_on.slice(0, 4)} Q${Math.floor((Number(d.closed_on.slice(5, 7)) - 1) / 3) + 1}`;
export const inFirstQuarter = (d: Deal) => d.closed_on >= '2026-01-01' && d.closed_on <= '2026-03-31';
export const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** What the pivot under the chart must show for these deals: `region|quarter|measure` → text. */
export function expectedCells(of: Deal[], countName = 'deals'): Record<string, string> {
  const sums = new Map<string, { amount: number; deals: number }>();
  for (const d of of) {
    const key = `${regionOf(d)}|${quarterOf(d)}`;
    const s = sums.get(key) ?? { amount: 0, deals: 0 };
    sums.set(key, { amount: s.amount + d.amount, deals: s.deals + 1 });
  }
  return Object.fromEntries(
    [...sums].flatMap(([key, s]) => [
      [`${key}|amount`, number.format(s.amount)],
      [`${key}|${countName}`, number.format(s.deals)],
    ]),
  );
}

/** The non-empty numbers of a widget's data table, by `data-cell`. */
export async function shownCells(page: Page, widget = 'sales_by_region_quarter'): Promise<Record<string, string>> {
  const cells = page.locator(`[data-widget="${widget}"] [data-cell]`);
  const all = await cells.evaluateAll((els) => els.map((e) => [e.getAttribute('data-cell') ?? '', (e.textContent ?? '').trim()]));
  return Object.fromEntries(all.filter(([, text]) => text !== ''));
}

/** The titles listed in the drill-down drawer, once its total is shown. */
export async function drilled(page: Page): Promise<string[]> {
  return (await page.getByTestId('drill-records').locator('.ant-table-row td:first-child').allInnerTexts()).map((t) => t.trim()).sort();
}

export const salesObjects = [
  {
    name: 'account',
    label: { 'zh-CN': '客户' },
    fields: [
      { name: 'name', type: 'text', required: true, label: { 'zh-CN': '客户名称' } },
      { name: 'region', type: 'select', label: { 'zh-CN': '区域' }, options: { options: Object.entries(regions).map(([k, v]) => option(k, v)) } },
    ],
  },
  {
    name: 'deal',
    label: { 'zh-CN': '商机' },
    fields: [
      { name: 'name', type: 'text', required: true, label: { 'zh-CN': '商机名称' } },
      { name: 'stage', type: 'select', label: { 'zh-CN': '阶段' }, options: { options: Object.entries(stages).map(([k, v]) => option(k, v)) } },
      { name: 'amount', type: 'currency', label: { 'zh-CN': '金额' } },
      { name: 'account', type: 'lookup', label: { 'zh-CN': '客户' }, options: { target: 'account' } },
      { name: 'closed_on', type: 'date', label: { 'zh-CN': '成交日期' } },
    ],
  },
];

export const salesReports = [
  {
    name: 'sales_by_region_quarter',
    label: { 'zh-CN': '各区域季度销售' },
    object: 'deal',
    rows: [{ field: 'account.region' }],
    columns: [{ field: 'closed_on', bucket: 'quarter' }],
    values: [
      { name: 'amount', fn: 'sum', field: 'amount', label: { 'zh-CN': '金额' } },
      { name: 'deals', fn: 'count', label: { 'zh-CN': '数量' } },
    ],
    chart: { type: 'bar', stacked: true },
    dateField: 'closed_on',
  },
  {
    name: 'deals_by_stage',
    label: { 'zh-CN': '销售漏斗' },
    object: 'deal',
    rows: [{ field: 'stage' }],
    values: [{ name: 'deals', fn: 'count', label: { 'zh-CN': '数量' } }],
    chart: { type: 'funnel' },
    dateField: 'closed_on',
  },
];

export const salesDashboard = {
  name: 'sales',
  label: { 'zh-CN': '销售看板' },
  home: true,
  filters: ['period', 'owner'],
  widgets: [
    { id: 'sales', report: 'sales_by_region_quarter', x: 0, y: 0, w: 8, h: 5 },
    { id: 'funnel', report: 'deals_by_stage', x: 8, y: 0, w: 4, h: 5 },
  ],
};

export const repPassword = 'rep password 1';

export interface SalesTenant {
  admin: Session;
  users: { li: string; han: string };
  email(who: 'li' | 'han'): string;
}

/**
 * Publishes the sales objects with the home dashboard and `extra` reports and dashboards, adds the
 * reps li (李雷) and han (韩梅) who read only their own deals, and creates the accounts and deals.
 */
export async function seedSales(srv: RunningServer, extra: { reports?: unknown[]; dashboards?: unknown[] } = {}): Promise<SalesTenant> {
  const admin = await srv.server.login(srv.server.admin.email, srv.server.admin.password);
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    srv.server.as(admin, { method, url: `/api/v1/t/${srv.server.tenant}${url}`, payload: payload as never });
  const email = (who: string) => `${who}@${srv.server.domain}`;
  const published = await api('POST', '/metadata/publish', {
    message: 'deals with a sales dashboard',
    metadata: {
      objects: salesObjects,
      reports: [...salesReports, ...(extra.reports ?? [])],
      dashboards: [salesDashboard, ...(extra.dashboards ?? [])],
    },
  });
  expect(published.statusCode, published.body).toBe(201);
  const role = await api('PUT', '/access/roles/rep', {
    name: 'rep',
    label: '销售代表',
    objects: { deal: { create: true, read: 'own', update: 'own', delete: 'own' }, account: { read: 'all' } },
  });
  expect(role.statusCode, role.body).toBeLessThan(300);
  const users = { li: '', han: '' };
  for (const [who, name] of [
    ['li', '李雷'],
    ['han', '韩梅'],
  ] as const) {
    const added = await api('POST', '/members', { email: email(who), name, password: repPassword, role: 'member' });
    expect(added.statusCode, added.body).toBe(201);
    users[who] = added.json().user.id;
    expect((await api('PUT', `/access/users/${users[who]}/roles`, { roles: ['rep'] })).statusCode).toBe(200);
  }
  const accountIds: Record<string, string> = {};
  for (const [name, region] of Object.entries(accounts)) {
    const created = await api('POST', '/objects/account/records', { name, region });
    expect(created.statusCode, created.body).toBe(201);
    accountIds[name] = created.json().id;
  }
  for (const { owner, ...d } of deals) {
    const created = await api('POST', '/objects/deal/records', { ...d, account: accountIds[d.account], owner_id: users[owner] });
    expect(created.statusCode, created.body).toBe(201);
  }
  return { admin, users, email };
}
