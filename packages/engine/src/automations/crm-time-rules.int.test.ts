import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrmTenant, crmTenant } from '../testing/crm-tenant';
import { backends } from '../testing/databases';

// The CRM template's time-triggered rules (templates/crm/automations: inactivity and
// date.relative triggers), end to end: the sweeps run as jobs driven by the engine's clock, so
// the test moves the clock and runs the due jobs until none are left.

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const tag = () => randomBytes(3).toString('hex');
const iso = (d: Date) => d.toISOString();
const dateOf = (d: Date) => iso(d).slice(0, 10);

describe.each(await backends())('CRM time rules on %s', (backend) => {
  let c: CrmTenant;
  beforeAll(async () => {
    c = await crmTenant(backend, '2031-07-01T01:00:00Z');
  }, 120_000);
  afterAll(() => c.close());

  const create = (object: string, values: Record<string, unknown>) =>
    c.tenant.records.create(object, values) as Promise<Record<string, unknown> & { id: string }>;
  const get = (object: string, id: string) => c.tenant.records.get(object, id);
  /** Moves the clock in steps (as the minutely sweep would see it) and runs what is due after each. */
  const pass = async (ms: number, steps = 4) => {
    for (let i = 0; i < steps; i++) {
      c.clock.advance(ms / steps);
      await c.settle();
    }
  };
  const notified = async (user: string, automation: string, recordId: string) =>
    (await c.tenant.notifications.list(user, {})).notifications.filter(
      (n) => n.source.id === automation && n.link !== null && n.link !== undefined && 'recordId' in n.link && n.link.recordId === recordId,
    );
  const account = () => create('account', { name: `时间规则客户${tag()}有限公司` });

  it('an open deal over 100,000 without a follow-up for 7 days is marked at risk, its owner and manager told once; a follow-up re-arms it', async () => {
    const [owner, boss] = [await c.member('owner'), await c.member('boss')];
    const dept = await c.tenant.org.createDepartment({ name: `销售一部 ${tag()}`, headId: boss });
    await c.tenant.org.updateMember(owner, { departmentIds: [dept.id] });
    const a = await account();
    const deal = (amount: number, extra: Record<string, unknown> = {}) =>
      create('opportunity', { name: `商机${tag()}`, account: a.id, amount, owner_id: owner, expected_close_date: '2031-12-31', ...extra });
    const big = await deal(150_000);
    const small = await deal(100_000);
    const lost = await deal(500_000, { stage: 'lost', lost_reason: 'price' });
    await pass(6 * day);
    expect((await get('opportunity', big.id)).at_risk).toBe(false);
    await pass(1 * day + 10 * minute);
    expect((await get('opportunity', big.id)).at_risk).toBe(true);
    for (const quiet of [small, lost]) expect((await get('opportunity', quiet.id)).at_risk).toBe(false);
    for (const who of [owner, boss]) expect(await notified(who, 'opportunity_at_risk', big.id), who).toHaveLength(1);
    await pass(3 * day);
    for (const who of [owner, boss]) expect(await notified(who, 'opportunity_at_risk', big.id), who).toHaveLength(1);

    // A follow-up clears the flag; 7 quiet days after it, the rule fires again (a new episode).
    await create('follow_up', { content: '拜访客户', followed_at: iso(c.clock.now()), opportunity: big.id, account: a.id });
    await c.settle();
    expect((await get('opportunity', big.id)).at_risk).toBe(false);
    await pass(6 * day);
    expect((await get('opportunity', big.id)).at_risk).toBe(false);
    await pass(1 * day + 10 * minute);
    expect((await get('opportunity', big.id)).at_risk).toBe(true);
    for (const who of [owner, boss]) expect(await notified(who, 'opportunity_at_risk', big.id), who).toHaveLength(2);
  });

  it('30 days before an active contract ends, its owner gets one renewal task; a draft contract gets none', async () => {
    const owner = await c.member('renewer');
    const a = await account();
    const end = new Date(c.clock.now().getTime() + 40 * day);
    const contract = (status: string) =>
      create('contract', {
        name: `合同${tag()}`,
        account: a.id,
        amount: 80_000,
        status,
        sign_date: dateOf(c.clock.now()),
        start_date: dateOf(c.clock.now()),
        end_date: dateOf(end),
        owner_id: owner,
      });
    const active = await contract('active');
    const draft = await contract('draft');
    const renewals = async (id: string) => (await c.tenant.records.query('task', { filter: { '==': [{ var: 'contract' }, id] } })).records;
    await pass(9 * day);
    expect(await renewals(active.id)).toHaveLength(0);
    await pass(2 * day);
    const tasks = await renewals(active.id);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ title: `续约：${active.name}`, assignee: owner, account: a.id });
    await pass(5 * day);
    expect(await renewals(active.id)).toHaveLength(1);
    expect(await renewals(draft.id)).toHaveLength(0);
  });

  it('a ticket not answered 30 minutes before its response is due is at risk; an urgent or high one not answered by then is escalated, breached, and the service managers told; answered or lower ones are not', async () => {
    const manager = await c.member('service-lead');
    await c.tenant.access.setUserRoles(manager, ['service_manager']);
    const due = new Date(c.clock.now().getTime() + 2 * hour);
    const ticket = (priority: string, extra: Record<string, unknown> = {}) =>
      create('ticket', { subject: `工单${tag()}`, priority, response_due_at: iso(due), ...extra });
    const [urgent, high, medium] = [await ticket('urgent'), await ticket('high'), await ticket('medium')];
    const answered = await ticket('high', { first_responded_at: iso(new Date(c.clock.now().getTime() + hour)) });
    await pass(hour);
    for (const t of [urgent, high, medium]) expect(await get('ticket', t.id)).toMatchObject({ sla_status: 'on_track' });
    // 30 minutes before the response is due: at risk (answered tickets are not).
    await pass(50 * minute);
    for (const t of [urgent, high, medium]) expect(await get('ticket', t.id)).toMatchObject({ sla_status: 'at_risk' });
    expect(await get('ticket', answered.id)).toMatchObject({ sla_status: 'met' });
    await pass(20 * minute);
    for (const t of [urgent, high]) {
      expect(await get('ticket', t.id)).toMatchObject({ priority: 'urgent', sla_status: 'breached' });
      expect(await notified(manager, 'ticket_response_overdue', t.id)).toHaveLength(1);
    }
    expect(await get('ticket', medium.id)).toMatchObject({ priority: 'medium', sla_status: 'at_risk' });
    expect(await get('ticket', answered.id)).toMatchObject({ priority: 'high', sla_status: 'met' });
    await pass(2 * hour);
    expect(await notified(manager, 'ticket_response_overdue', high.id)).toHaveLength(1);
  });

  it('an urgent ticket under a 15-minute policy is due and escalated 15 minutes after it is opened, one without a policy after the default 30', async () => {
    const manager = await c.member('service-lead-2');
    await c.tenant.access.setUserRoles(manager, ['service_manager']);
    // Limited to A accounts: the policy chooser gives it to no ticket by itself, so the plain ticket keeps the defaults.
    const policy = await create('sla_policy', { name: `十五分钟${tag()}`, account_levels: ['A'], urgent_response_minutes: 15, urgent_resolve_hours: 2 });
    const opened = c.clock.now().getTime();
    const quick = await create('ticket', { subject: `工单${tag()}`, priority: 'urgent', sla_policy: policy.id });
    const plain = await create('ticket', { subject: `工单${tag()}`, priority: 'urgent' });
    expect(quick).toMatchObject({ response_due_at: iso(new Date(opened + 15 * minute)), resolve_due_at: iso(new Date(opened + 2 * hour)) });
    expect(plain.response_due_at).toBe(iso(new Date(opened + 30 * minute)));
    await pass(12 * minute);
    expect(await get('ticket', quick.id)).toMatchObject({ priority: 'urgent', sla_status: 'on_track' });
    expect(await notified(manager, 'ticket_response_overdue', quick.id)).toHaveLength(0);
    await pass(4 * minute);
    expect(await get('ticket', quick.id)).toMatchObject({ sla_status: 'breached' });
    expect(await notified(manager, 'ticket_response_overdue', quick.id)).toHaveLength(1);
    expect(await get('ticket', plain.id)).not.toMatchObject({ sla_status: 'breached' });
    expect(await notified(manager, 'ticket_response_overdue', plain.id)).toHaveLength(0);
    await pass(16 * minute);
    expect(await get('ticket', plain.id)).toMatchObject({ sla_status: 'breached' });
    expect(await notified(manager, 'ticket_response_overdue', plain.id)).toHaveLength(1);
  });

  it('a receivable plan unpaid or partly paid past its date becomes overdue and stays so until paid in full; a paid one does not', async () => {
    const a = await account();
    const contract = await create('contract', { name: `合同${tag()}`, account: a.id, amount: 90_000 });
    const planDate = dateOf(new Date(c.clock.now().getTime() + 3 * day));
    const plan = (instalment: number) =>
      create('receivable_plan', { name: `第${instalment}期`, contract: contract.id, instalment, plan_date: planDate, plan_amount: 30_000 });
    const receipt = (planId: string, amount: number) =>
      create('receipt', {
        contract: contract.id,
        plan: planId,
        account: a.id,
        received_date: dateOf(c.clock.now()),
        amount,
        method: 'bank_transfer',
        status: 'confirmed',
      });
    const [unpaid, partial, paid] = [await plan(1), await plan(2), await plan(3)];
    await receipt(partial.id, 10_000);
    await receipt(paid.id, 30_000);
    await c.settle();
    const status = async (p: { id: string }) => (await get('receivable_plan', p.id)).status;
    expect([await status(unpaid), await status(partial), await status(paid)]).toEqual(['unpaid', 'partial', 'paid']);
    await pass(3 * day);
    expect([await status(unpaid), await status(partial), await status(paid)]).toEqual(['unpaid', 'partial', 'paid']);
    await pass(2 * day);
    expect([await status(unpaid), await status(partial), await status(paid)]).toEqual(['overdue', 'overdue', 'paid']);
    // Part of what is owed does not end the overdue; all of it does.
    await receipt(unpaid.id, 10_000);
    await c.settle();
    expect(await status(unpaid)).toBe('overdue');
    await receipt(unpaid.id, 20_000);
    await c.settle();
    expect(await status(unpaid)).toBe('paid');
  });
});
