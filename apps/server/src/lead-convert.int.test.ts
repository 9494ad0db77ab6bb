import { backends } from '@tangram/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrmWorld, buildCrmWorld } from './testing/crm-fixture';
import { type TestServer, setupServer } from './testing/harness';

// The CRM template's 线索转换 (record action `lead_convert`), run by a sales rep over HTTP.

type Json = Record<string, any>;
let n = 0;
const mobile = () => `137${String(Date.now() % 1e6).padStart(6, '0')}${String(++n).padStart(2, '0')}`;

describe.each(await backends())('CRM lead conversion on %s', (backend) => {
  let s: TestServer;
  let w: CrmWorld;
  const url = (object: string, id?: string) => `${w.base}/objects/${object}/records${id ? `/${id}` : ''}`;
  const rep = () => w.sessions.rep_east;
  const newLead = async (company: string, extra: Json = {}) => {
    const res = await s.as(rep(), {
      method: 'POST',
      url: url('lead'),
      payload: { company, contact_name: '王五', status: 'new', mobile: mobile(), industry: 'manufacturing', province: 'zhejiang', city: '杭州', ...extra },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const convert = (id: string, input: Json = {}) => s.as(rep(), { method: 'POST', url: `${url('lead', id)}/actions/lead_convert`, payload: { input } });
  const get = async (object: string, id: string) => (await s.as(rep(), { url: url(object, id) })).json();
  const total = async (object: string) => (await s.as(w.admin, { url: `${url(object)}?count=true&limit=1` })).json().total as number;

  beforeAll(async () => {
    s = await setupServer(backend);
    w = await buildCrmWorld(s);
  }, 120_000);
  afterAll(() => s.close());

  it('shows 转换 to the lead’s owner with its small form, and not to a member who may not edit the lead', async () => {
    const id = await newLead('杭州展示机械有限公司');
    const mine = await s.as(rep(), { url: `${url('lead', id)}/actions` });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json().actions).toMatchObject([
      {
        name: 'lead_convert',
        label: { 'zh-CN': '转换' },
        input: [{ name: 'create_opportunity', type: 'boolean' }, { name: 'opportunity_name' }, { name: 'amount' }, { name: 'expected_close_date' }],
      },
    ]);
    const others = await s.as(w.sessions.finance, { method: 'POST', url: `${url('lead', id)}/actions/lead_convert`, payload: {} });
    expect([403, 404]).toContain(others.statusCode);
    expect((await get('lead', id)).status).toBe('new');
  });

  it('converts a lead into a new account, contact and opportunity, linked both ways, once', async () => {
    const id = await newLead('杭州转换精密机械有限公司');
    const res = await convert(id, { create_opportunity: true, opportunity_name: '首期设备采购', amount: 128000, expected_close_date: '2027-03-31' });
    expect(res.statusCode, res.body).toBe(200);
    const created = Object.fromEntries((res.json().created as Json[]).map((c) => [c.as, c])) as Record<'account' | 'contact' | 'opportunity', Json>;
    expect(Object.values(created).map((c) => c.reused)).toEqual([false, false, false]);
    const lead = await get('lead', id);
    expect(lead).toMatchObject({
      status: 'converted',
      converted_account: created.account.id,
      converted_contact: created.contact.id,
      converted_opportunity: created.opportunity.id,
    });
    expect(lead.converted_at).toEqual(expect.any(String));
    expect(await get('account', created.account.id)).toMatchObject({
      name: '杭州转换精密机械有限公司',
      industry: 'manufacturing',
      province: 'zhejiang',
      source_lead: id,
    });
    expect(await get('contact', created.contact.id)).toMatchObject({ name: '王五', account: created.account.id, mobile: lead.mobile, source_lead: id });
    expect(await get('opportunity', created.opportunity.id)).toMatchObject({
      name: '首期设备采购',
      account: created.account.id,
      contact: created.contact.id,
      amount: 128000,
      expected_close_date: '2027-03-31',
      stage: 'initial',
      source_lead: id,
      owner_id: w.ids.rep_east,
    });
    const history = (await s.as(rep(), { url: `${url('lead', id)}/history` })).json().entries as Json[];
    expect(history.at(-1)).toMatchObject({ actor: w.ids.rep_east, via: { action: 'lead_convert', depth: 0 } });

    const again = await convert(id);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('RECORD_ACTION_NOT_APPLICABLE');
    expect((await s.as(rep(), { url: `${url('lead', id)}/actions` })).json().actions).toEqual([]);
  });

  it('reuses the rep’s existing account with the same company name (查重), without an opportunity when not asked', async () => {
    const account = await s.as(rep(), { method: 'POST', url: url('account'), payload: { name: '宁波查重电子股份有限公司', type: 'enterprise' } });
    expect(account.statusCode, account.body).toBe(201);
    const accounts = await total('account');
    const opportunities = await total('opportunity');
    const id = await newLead('宁波 查重电子');
    const res = await convert(id, { create_opportunity: false });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().created[0]).toMatchObject({ as: 'account', id: account.json().id, reused: true });
    expect(res.json().skipped).toEqual(['opportunity']);
    expect(await total('account')).toBe(accounts);
    expect(await total('opportunity')).toBe(opportunities);
    expect(await get('lead', id)).toMatchObject({ status: 'converted', converted_account: account.json().id, converted_opportunity: null });
    expect(await get('contact', res.json().created[1].id)).toMatchObject({ account: account.json().id });
  });

  it('leaves nothing written when a later step fails (one transaction)', async () => {
    const id = await newLead('苏州失败自动化有限公司');
    const before = await Promise.all(['account', 'contact', 'opportunity'].map(total));
    const res = await convert(id, { amount: -1 });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(await Promise.all(['account', 'contact', 'opportunity'].map(total))).toEqual(before);
    expect(await get('lead', id)).toMatchObject({ status: 'new', converted_account: null, version: 1 });
  });
});
