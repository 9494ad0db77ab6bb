import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrmTenant, crmTenant } from '../testing/crm-tenant';
import { backends } from '../testing/databases';

// The CRM template's rules that read other records (templates/crm/automations: sales_target_*,
// *_updates_sales_targets, ticket_sla_assign_policy), end to end on the engine's clock: a
// target's actual value follows the won deals, signed contracts, confirmed receipts and new
// accounts of its period; a ticket without a policy gets the one for its type.

const tag = () => randomBytes(3).toString('hex');
type Rec = Record<string, unknown> & { id: string };

describe.each(await backends())('CRM sales targets and SLA policy on %s', (backend) => {
  let c: CrmTenant;
  beforeAll(async () => {
    // Q1 2031: the sample records (2026) are in no period the tests use.
    c = await crmTenant(backend, '2031-02-10T01:00:00Z');
  }, 120_000);
  afterAll(() => c.close());

  const create = (object: string, values: Record<string, unknown>) => c.tenant.records.create(object, values) as Promise<Rec>;
  const update = (object: string, id: string, values: Record<string, unknown>) => c.tenant.records.update(object, id, values) as Promise<Rec>;
  const get = (object: string, id: string) => c.tenant.records.get(object, id) as Promise<Rec>;
  const account = (owner?: string) => create('account', { name: `目标客户${tag()}有限公司`, type: 'enterprise', ...(owner ? { owner_id: owner } : {}) });
  const target = (values: Record<string, unknown>) =>
    create('sales_target', {
      name: `目标${tag()}`,
      year: 2031,
      period_type: 'quarter',
      period: 'Q1',
      target_type: 'company',
      target_value: 100_000,
      ...values,
    });
  const actual = async (id: string) => Number((await get('sales_target', id)).actual_value);
  const won = async (owner: string, amount: number) => {
    const a = await account(owner);
    const contact = await create('contact', { name: `联系人${tag()}`, account: a.id });
    return create('opportunity', { name: `商机${tag()}`, account: a.id, contact: contact.id, amount, stage: 'won', owner_id: owner });
  };

  it('a target gets its period bounds and, for each metric, the value of its period at once', async () => {
    const q1 = await target({ metric: 'won_amount' });
    expect(q1).toMatchObject({ period_start: '2031-01-01T00:00:00.000Z', period_end: '2031-04-01T00:00:00.000Z' });
    const fy = await target({ metric: 'won_count', period_type: 'year', period: 'FY' });
    expect(fy).toMatchObject({ period_start: '2031-01-01T00:00:00.000Z', period_end: '2032-01-01T00:00:00.000Z' });
    const dec = await target({ metric: 'won_count', period_type: 'month', period: 'M12' });
    expect(dec).toMatchObject({ period_start: '2031-12-01T00:00:00.000Z', period_end: '2032-01-01T00:00:00.000Z' });
    // Editing the period moves the bounds.
    expect(await update('sales_target', q1.id, { period: 'Q3' })).toMatchObject({
      period_start: '2031-07-01T00:00:00.000Z',
      period_end: '2031-10-01T00:00:00.000Z',
    });

    // A personal target created after the deals counts them at once (before save, in its write).
    const seller = await c.member('early');
    await won(seller, 12_000);
    await won(seller, 8_000);
    await c.settle();
    const mine = await target({ metric: 'won_amount', target_type: 'user', member: seller, target_value: 40_000 });
    expect(mine).toMatchObject({ actual_value: 20_000, completion_rate: 50 });
    const count = await target({ metric: 'won_count', target_type: 'user', member: seller });
    expect(count.actual_value).toBe(2);
    // A department target is not maintained: its value stays as entered.
    const dept = await c.tenant.org.createDepartment({ name: `销售部${tag()}` });
    const d = await target({ metric: 'won_amount', target_type: 'department', department: dept.id, actual_value: 7 });
    await won(seller, 1_000);
    await c.settle();
    expect(await actual(d.id)).toBe(7);
    expect(await actual(mine.id)).toBe(21_000);
  });

  it('won deals keep company and personal targets current; moving a deal to another period or owner corrects both; deleting it too', async () => {
    const [u1, u2] = [await c.member('u1'), await c.member('u2')];
    const company = await target({ metric: 'won_amount', target_value: 1_000_000 });
    const companyQ2 = await target({ metric: 'won_amount', period: 'Q2', target_value: 1_000_000 });
    const companyCount = await target({ metric: 'won_count' });
    const t1 = await target({ metric: 'won_amount', target_type: 'user', member: u1, target_value: 50_000 });
    const t2 = await target({ metric: 'won_amount', target_type: 'user', member: u2, target_value: 50_000 });
    const base = { amount: await actual(company.id), q2: await actual(companyQ2.id), count: await actual(companyCount.id) };
    expect([await actual(t1.id), await actual(t2.id)]).toEqual([0, 0]);

    const a = await won(u1, 30_000);
    const open = await create('opportunity', { name: `未赢${tag()}`, account: a.account, amount: 99_000, owner_id: u1 });
    await c.settle();
    expect(await actual(company.id)).toBe(base.amount + 30_000);
    expect(await actual(companyCount.id)).toBe(base.count + 1);
    expect(await get('sales_target', t1.id)).toMatchObject({ actual_value: 30_000, completion_rate: 60 });
    expect(await actual(t2.id)).toBe(0);

    const b = await won(u2, 20_000);
    await c.settle();
    expect(await actual(company.id)).toBe(base.amount + 50_000);
    expect(await actual(t2.id)).toBe(20_000);
    expect(await actual(companyCount.id)).toBe(base.count + 2);

    // Another period: out of Q1, into Q2.
    await update('opportunity', a.id, { closed_at: '2031-05-03T08:00:00.000Z' });
    await c.settle();
    expect(await actual(company.id)).toBe(base.amount + 20_000);
    expect(await actual(companyQ2.id)).toBe(base.q2 + 30_000);
    expect(await actual(t1.id)).toBe(0);

    // Another owner: out of u2's target, into u1's.
    await update('opportunity', b.id, { owner_id: u1 });
    await c.settle();
    expect(await actual(t1.id)).toBe(20_000);
    expect(await actual(t2.id)).toBe(0);
    expect(await actual(company.id)).toBe(base.amount + 20_000);

    // A changed amount, and a deal reopened (no longer won) are recounted.
    await update('opportunity', b.id, { amount: 25_000 });
    await c.settle();
    expect(await actual(t1.id)).toBe(25_000);
    await update('opportunity', b.id, { stage: 'negotiation' });
    await c.settle();
    expect(await actual(t1.id)).toBe(0);
    expect(await actual(companyCount.id)).toBe(base.count);

    // Deleted: its period is recounted without it.
    await update('opportunity', a.id, { closed_at: '2031-03-01T08:00:00.000Z' });
    await c.settle();
    expect(await actual(t1.id)).toBe(30_000);
    await c.tenant.records.delete('opportunity', a.id);
    await c.settle();
    expect(await actual(t1.id)).toBe(0);
    expect(await actual(company.id)).toBe(base.amount);
    expect(await actual(companyQ2.id)).toBe(base.q2);
    // The open deal never counted.
    expect((await get('opportunity', open.id)).result).toBe('open');

    // Every target write was the automation's, in the record's history.
    const history = await c.tenant.records.history('sales_target', t1.id);
    expect(history.some((e) => e.via?.automation === 'opportunity_updates_sales_targets' && 'actual_value' in e.changes)).toBe(true);
  });

  it('signed contracts, confirmed receipts and new accounts are counted in their period', async () => {
    const seller = await c.member('closer');
    const contracts = await target({ metric: 'contract_amount', target_type: 'user', member: seller });
    const received = await target({ metric: 'received_amount', target_type: 'user', member: seller });
    const customers = await target({ metric: 'new_customers', target_type: 'user', member: seller });
    const allCustomers = await target({ metric: 'new_customers' });
    const baseCustomers = await actual(allCustomers.id);

    const a = await account(seller);
    await account(seller);
    await c.settle();
    expect(await actual(customers.id)).toBe(2);
    expect(await actual(allCustomers.id)).toBe(baseCustomers + 2);

    const contract = (status: string, amount: number, sign_date: string | null) =>
      create('contract', { name: `合同${tag()}`, account: a.id, type: 'sales', status, amount, sign_date, owner_id: seller });
    const signed = await contract('active', 80_000, '2031-02-15');
    await contract('draft', 500_000, '2031-02-16');
    await contract('active', 40_000, '2031-04-02');
    await c.settle();
    expect(await actual(contracts.id)).toBe(80_000);

    const receipt = await create('receipt', {
      contract: signed.id,
      account: a.id,
      received_date: '2031-02-20',
      amount: 30_000,
      method: 'bank_transfer',
      status: 'pending',
      owner_id: seller,
    });
    await c.settle();
    expect(await actual(received.id)).toBe(0);
    await update('receipt', receipt.id, { status: 'confirmed' });
    await c.settle();
    expect(await actual(received.id)).toBe(30_000);
    // Moved to April: out of Q1.
    await update('receipt', receipt.id, { received_date: '2031-04-01' });
    await c.settle();
    expect(await actual(received.id)).toBe(0);

    // A target set up afterwards counts the signed contract at once; terminated is no longer counted.
    const later = await target({ metric: 'contract_amount', target_type: 'user', member: seller, period_type: 'month', period: 'M02', target_value: 160_000 });
    expect(later).toMatchObject({ actual_value: 80_000, completion_rate: 50 });
    await update('contract', signed.id, { status: 'terminated' });
    await c.settle();
    expect(await actual(later.id)).toBe(0);
    expect(await actual(contracts.id)).toBe(0);
  });

  it('a ticket without a policy gets the active policy for its type, before its due times are worked out; else the default', async () => {
    const minutes = { urgent_response_minutes: 5, high_response_minutes: 5, medium_response_minutes: 5, low_response_minutes: 5 };
    const fallback = (await create('sla_policy', { name: `标准${tag()}`, active: true, is_default: true, sort: 50, ...minutes })).id;
    const faults = await create('sla_policy', { name: `故障${tag()}`, ticket_types: ['fault'], active: true, is_default: false, sort: 20, ...minutes });
    // Earlier in sort order, but inactive; and one limited to an account level: neither is picked.
    await create('sla_policy', { name: `停用${tag()}`, ticket_types: ['fault'], active: false, is_default: false, sort: 1 });
    await create('sla_policy', { name: `A 级${tag()}`, ticket_types: ['fault'], account_levels: ['A'], active: true, is_default: false, sort: 2 });
    const a = await account();
    const ticket = (values: Record<string, unknown>) => create('ticket', { subject: `工单${tag()}`, account: a.id, priority: 'high', ...values });

    const fault = await ticket({ type: 'fault' });
    expect(fault.sla_policy).toBe(faults.id);
    const consult = await ticket({ type: 'consult' });
    expect(consult.sla_policy).toBe(fallback);
    // Given by the caller: kept.
    const given = await ticket({ type: 'fault', sla_policy: fallback });
    expect(given.sla_policy).toBe(fallback);
    // A ticket whose policy was cleared gets one again when its type changes.
    await update('ticket', consult.id, { sla_policy: null });
    expect((await update('ticket', consult.id, { type: 'fault' })).sla_policy).toBe(faults.id);
    // Before-save rules run in the order published: the policy is chosen before the due times are worked out.
    const order = (await c.tenant.model()).app.automations.map((x) => x.name);
    expect(order.indexOf('ticket_sla_assign_policy')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('ticket_sla_assign_policy')).toBeLessThan(order.indexOf('ticket_sla_due'));
    expect(fault.response_due_at).not.toBeNull();
  });
});
