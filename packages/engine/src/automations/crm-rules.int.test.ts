import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../testing/databases';
import { failure } from '../testing/engine';
import { type CrmTenant, bundledTemplates, crmTenant } from '../testing/crm-tenant';

// The CRM template's record-triggered rules (templates/crm/automations), end to end: the real
// template installed, writes through the record pipeline, after-commit rules run by the jobs on
// the engine's clock.

const stages = ['initial', 'needs', 'proposal', 'quote', 'negotiation', 'won'] as const;
const defaultProbability: Record<string, number> = { initial: 10, needs: 20, proposal: 40, quote: 60, negotiation: 80, won: 100, lost: 0 };
const tag = () => randomBytes(3).toString('hex');
const mobile = () => `139${String(randomBytes(4).readUInt32BE() % 100_000_000).padStart(8, '0')}`;

describe('the CRM template’s automations', () => {
  it('are the automations guide’s CRM examples: each JSON block there equals the template’s file, and every rule has one', () => {
    const guide = readFileSync(fileURLToPath(new URL('../../../../docs/guides/automations.md', import.meta.url)), 'utf8');
    const section = guide.slice(guide.indexOf('## CRM rules'));
    const blocks = [...section.split(/\n## /)[0]!.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]!) as { name: string });
    const template = bundledTemplates().get('crm')?.automations ?? [];
    expect(blocks.map((b) => b.name).sort()).toEqual(template.map((a) => a.name).sort());
    for (const b of blocks) expect(b, `${b.name} (pnpm docs:crm-examples rewrites the guide's block)`).toEqual(template.find((a) => a.name === b.name));
  });
});

describe.each(await backends())('CRM record rules on %s', (backend) => {
  let c: CrmTenant;
  beforeAll(async () => {
    c = await crmTenant(backend, '2031-05-10T02:00:00Z');
  }, 120_000);
  afterAll(() => c.close());

  const create = (object: string, values: Record<string, unknown>, actor?: string) =>
    c.tenant.records.create(object, values, actor ? { actor } : undefined) as Promise<Record<string, unknown> & { id: string }>;
  const update = (object: string, id: string, values: Record<string, unknown>) => c.tenant.records.update(object, id, values);
  const get = (object: string, id: string) => c.tenant.records.get(object, id);
  const account = () => create('account', { name: `测试客户${tag()}有限公司` });
  /** An opportunity ready to pass every gate (amount, close date, contact). */
  const opportunity = async (extra: Record<string, unknown> = {}) => {
    const a = await account();
    const contact = await create('contact', { account: a.id, name: `联系人${tag()}` });
    return create('opportunity', { name: `商机${tag()}`, account: a.id, contact: contact.id, amount: 200000, expected_close_date: '2031-06-30', ...extra });
  };
  /** Moves an opportunity stage by stage (as a kanban drag does: only the stage is sent). */
  const walk = async (id: string, to: (typeof stages)[number]) => {
    for (const s of stages.slice(1, stages.indexOf(to) + 1)) await update('opportunity', id, { stage: s });
  };

  it('a follow-up writes its time on its opportunity, account and lead, and clears the at-risk flag', async () => {
    const o = await opportunity({ at_risk: true });
    const lead = await create('lead', { company: `线索${tag()}`, contact_name: '王五', mobile: mobile() });
    const at = c.clock.advance(3_600_000).toISOString();
    const next = '2031-05-20T01:00:00.000Z';
    await create('follow_up', { content: '电话沟通需求', followed_at: at, next_follow_up_at: next, opportunity: o.id, account: o.account });
    await create('follow_up', { content: '首次电话', followed_at: at, lead: lead.id });
    await c.settle();
    for (const [object, id] of [
      ['opportunity', o.id],
      ['account', o.account as string],
    ] as const)
      expect(await get(object, id), object).toMatchObject({ last_follow_up_at: at, next_follow_up_at: next });
    expect((await get('opportunity', o.id)).at_risk).toBe(false);
    expect(await get('lead', lead.id)).toMatchObject({ last_follow_up_at: at, next_follow_up_at: null });
  });

  it('each stage sets its default probability, and the probability stays editable', async () => {
    const o = await opportunity();
    expect(o.probability).toBe(defaultProbability.initial);
    for (const s of stages.slice(1)) {
      const r = await update('opportunity', o.id, { stage: s });
      expect(r.probability, s).toBe(defaultProbability[s]);
    }
    const other = await opportunity();
    await update('opportunity', other.id, { stage: 'needs' });
    expect((await update('opportunity', other.id, { probability: 35 })).probability).toBe(35);
    expect((await update('opportunity', other.id, { stage: 'lost', lost_reason: 'price' })).probability).toBe(0);
  });

  it('won or lost (a kanban drag sends only the stage) closes it with the result and the closed time; moving back reopens it', async () => {
    const won = await opportunity({ at_risk: true });
    await walk(won.id, 'negotiation');
    expect((await get('opportunity', won.id)).at_risk).toBe(true);
    const at = c.clock.advance(60_000).toISOString();
    expect(await update('opportunity', won.id, { stage: 'won' })).toMatchObject({ result: 'won', closed_at: at, probability: 100, at_risk: false });
    for (const from of stages.slice(0, 5)) {
      const lost = await opportunity({ at_risk: true });
      await walk(lost.id, from);
      const when = c.clock.advance(60_000).toISOString();
      expect(await update('opportunity', lost.id, { stage: 'lost', lost_reason: 'competitor' }), from).toMatchObject({
        result: 'lost',
        closed_at: when,
        probability: 0,
        at_risk: false,
      });
    }
    expect(await update('opportunity', won.id, { stage: 'negotiation' })).toMatchObject({ result: 'open', closed_at: null, probability: 80 });
  });

  it('moving to 输单 without a reason is refused with a message asking for it; nothing is written', async () => {
    const o = await opportunity();
    await walk(o.id, 'proposal');
    const e = await failure(update('opportunity', o.id, { stage: 'lost' }));
    expect(e).toMatchObject({ code: 'AUTOMATION_REFUSED', message: '输单须填写输单原因', details: { name: 'opportunity_lost_needs_reason' } });
    expect(await get('opportunity', o.id)).toMatchObject({ stage: 'proposal', result: 'open', closed_at: null });
  });

  it('stage gate: an open opportunity cannot skip a stage (every forward jump of two or more is refused, single steps pass)', async () => {
    for (const [i, from] of stages.slice(0, 5).entries())
      for (const to of stages.slice(i + 2)) {
        const o = await opportunity();
        await walk(o.id, from);
        const e = await failure(update('opportunity', o.id, { stage: to }));
        expect(e, `${from} → ${to}`).toMatchObject({ code: 'AUTOMATION_REFUSED', details: { name: 'opportunity_gate_no_skipping' } });
        expect((await get('opportunity', o.id)).stage).toBe(from);
      }
    // Back is allowed, and so is a reopened lost deal starting again.
    const o = await opportunity();
    await walk(o.id, 'quote');
    expect((await update('opportunity', o.id, { stage: 'initial' })).stage).toBe('initial');
  });

  it('stage gate: 报价 needs an amount and an expected close date; 赢单 needs an amount and a primary contact', async () => {
    const cases: [Record<string, unknown>, (typeof stages)[number], string][] = [
      [{ amount: null }, 'quote', 'opportunity_gate_quote'],
      [{ amount: 0 }, 'quote', 'opportunity_gate_quote'],
      [{ expected_close_date: null }, 'quote', 'opportunity_gate_quote'],
      [{ contact: null }, 'won', 'opportunity_gate_won'],
    ];
    for (const [missing, gate, name] of cases) {
      const o = await opportunity(missing);
      await walk(o.id, stages[stages.indexOf(gate) - 1] as (typeof stages)[number]);
      const e = await failure(update('opportunity', o.id, { stage: gate }));
      expect(e, JSON.stringify(missing)).toMatchObject({ code: 'AUTOMATION_REFUSED', details: { name } });
    }
  });

  it('entering 报价 creates one task to prepare the quote, for the owner', async () => {
    const owner = await c.member('rep');
    const o = await opportunity({ owner_id: owner });
    await walk(o.id, 'quote');
    await c.settle();
    await c.settle();
    const tasks = await c.tenant.records.query('task', { filter: { '==': [{ var: 'opportunity' }, o.id] } });
    expect(tasks.records).toHaveLength(1);
    expect(tasks.records[0]).toMatchObject({ title: `准备报价：${o.name}`, assignee: owner, account: o.account, priority: 'high' });
  });

  it('a contract becoming active (signed) needs its signing date, then gets instalment 1 of its receivable plan, once', async () => {
    const a = await account();
    const contract = await create('contract', { name: `合同${tag()}`, account: a.id, amount: 360000 });
    const e = await failure(update('contract', contract.id, { status: 'active' }));
    expect(e).toMatchObject({ code: 'AUTOMATION_REFUSED', details: { name: 'contract_signed_needs_date' } });
    await update('contract', contract.id, { status: 'active', sign_date: '2031-05-12' });
    await c.settle();
    await c.settle();
    const plans = await c.tenant.records.query('receivable_plan', { filter: { '==': [{ var: 'contract' }, contract.id] } });
    expect(plans.records).toHaveLength(1);
    expect(plans.records[0]).toMatchObject({ instalment: 1, plan_date: '2031-05-12', plan_amount: 360000, account: a.id, status: 'unpaid' });
  });

  it('lead events posted through the records API add to the score (+10 pricing, +5 case); at 50 the lead is an MQL, assigned by province', async () => {
    // The tenant fills the template's province → sales mapping (a customisation an upgrade keeps).
    const [east, south] = [await c.member('east'), await c.member('south')];
    const app = structuredClone((await c.tenant.schema.current())!);
    const rule = app.automations.find((a) => a.name === 'lead_mql')!;
    rule.actions.find((x) => x.id === 'assign_by_province')!.strategy = {
      ...rule.actions.find((x) => x.id === 'assign_by_province')!.strategy!,
      map: { zhejiang: east, guangdong: south },
    };
    await c.tenant.schema.publish(app);

    const kinds = ['visited_pricing', 'downloaded_case'] as const;
    const points = { visited_pricing: 10, downloaded_case: 5 };
    for (const [province, owner] of [
      ['zhejiang', east],
      ['guangdong', south],
    ] as const) {
      const lead = await create('lead', { company: `线索${tag()}`, contact_name: '李四', mobile: mobile(), province });
      // A sequence that passes 50 on its last event, mixed kinds.
      const events = [0, 1, 0, 0, 1, 0, 1].map((k) => kinds[k] as (typeof kinds)[number]);
      let expected = 0;
      for (const kind of events) {
        await create('lead_event', { lead: lead.id, kind });
        expected += points[kind];
        await c.settle();
        const now = await get('lead', lead.id);
        expect(now.score, `${kind} → ${expected}`).toBe(expected);
        expect(now.status).toBe(expected >= 50 ? 'mql' : 'new');
      }
      expect(expected).toBeGreaterThanOrEqual(50);
      expect((await get('lead', lead.id)).owner_id).toBe(owner);
    }
  });

  it('a ticket with an SLA policy takes its due times from the policy (hours × 60), a time the policy leaves empty from the defaults', async () => {
    // As the sample data's VIP policy, and one that gives the urgent times only.
    // Limited to account levels, as the sample data's are: the policy chooser (ticket_sla_assign_policy) gives them to no ticket by itself.
    const vip = await create('sla_policy', {
      name: `VIP${tag()}`,
      account_levels: ['A'],
      ...{ urgent_response_minutes: 15, urgent_resolve_hours: 4, high_response_minutes: 30, high_resolve_hours: 8 },
      ...{ medium_response_minutes: 60, medium_resolve_hours: 24, low_response_minutes: 240, low_resolve_hours: 72 },
    });
    const own = await create('sla_policy', { name: `只填紧急${tag()}`, account_levels: ['B'], urgent_response_minutes: 10, urgent_resolve_hours: 3 });
    const table: [string, string, number, number][] = [
      [vip.id, 'urgent', 15, 4],
      [vip.id, 'high', 30, 8],
      [vip.id, 'medium', 60, 24],
      [vip.id, 'low', 240, 72],
      [own.id, 'urgent', 10, 3],
      [own.id, 'high', 60, 24],
      [own.id, 'low', 480, 120],
    ];
    for (const [policy, priority, responseMinutes, resolveHours] of table) {
      const now = c.clock.advance(7 * 60_000).getTime();
      const t = await create('ticket', { subject: `工单${tag()}`, priority, sla_policy: policy });
      expect(t, `${priority} of ${policy}`).toMatchObject({
        response_due_at: new Date(now + responseMinutes * 60_000).toISOString(),
        resolve_due_at: new Date(now + resolveHours * 3_600_000).toISOString(),
      });
    }
  });

  it('a ticket under a 5×10 policy counts only its service hours: opened Friday 17:00, resolved by Monday 15:00', async () => {
    const desk = await create('sla_policy', {
      name: `工作日${tag()}`,
      account_levels: ['B'],
      working_hours: '5x10',
      work_start: '08:30',
      work_end: '18:30',
      work_days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      urgent_response_minutes: 30,
      urgent_resolve_hours: 8,
    });
    const roundTheClock = await create('sla_policy', {
      name: `全天${tag()}`,
      account_levels: ['A'],
      working_hours: '7x24',
      urgent_response_minutes: 30,
      urgent_resolve_hours: 8,
    });
    // Friday 4 July 2031, 17:00 in Beijing.
    c.clock.set('2031-07-04T09:00:00Z');
    const friday = await create('ticket', { subject: `工单${tag()}`, priority: 'urgent', sla_policy: desk.id });
    expect(friday).toMatchObject({ response_due_at: '2031-07-04T09:30:00.000Z', resolve_due_at: '2031-07-07T07:00:00.000Z' });
    const always = await create('ticket', { subject: `工单${tag()}`, priority: 'urgent', sla_policy: roundTheClock.id });
    expect(always).toMatchObject({ response_due_at: '2031-07-04T09:30:00.000Z', resolve_due_at: '2031-07-04T17:00:00.000Z' });
    // Saturday: the response clock starts on Monday at 08:30.
    c.clock.set('2031-07-05T03:00:00Z');
    const saturday = await create('ticket', { subject: `工单${tag()}`, priority: 'urgent', sla_policy: desk.id });
    expect(saturday.response_due_at).toBe('2031-07-07T01:00:00.000Z');
  });

  it('a new ticket’s response and resolution due times come from its priority (the default SLA); due times given are kept', async () => {
    const table: Record<string, [number, number]> = { urgent: [30, 8], high: [60, 24], medium: [240, 48], low: [480, 120] };
    for (const [priority, [responseMinutes, resolveHours]] of Object.entries(table)) {
      const now = c.clock.advance(7 * 60_000).getTime();
      const t = await create('ticket', { subject: `工单${tag()}`, priority });
      expect(t, priority).toMatchObject({
        response_due_at: new Date(now + responseMinutes * 60_000).toISOString(),
        resolve_due_at: new Date(now + resolveHours * 3_600_000).toISOString(),
      });
    }
    const policy = await create('sla_policy', { name: `策略${tag()}`, account_levels: ['C'], high_response_minutes: 5 });
    const given = await create('ticket', { subject: `工单${tag()}`, priority: 'high', sla_policy: policy.id, response_due_at: '2031-06-01T00:00:00.000Z' });
    expect(given.response_due_at).toBe('2031-06-01T00:00:00.000Z');
  });

  it('resolving and closing a ticket record their times; reopening clears them', async () => {
    const t = await create('ticket', { subject: `工单${tag()}`, priority: 'low' });
    const resolved = c.clock.advance(3_600_000).toISOString();
    expect(await update('ticket', t.id, { status: 'resolved', resolution: '已远程修复' })).toMatchObject({ resolved_at: resolved, closed_at: null });
    const closed = c.clock.advance(3_600_000).toISOString();
    expect(await update('ticket', t.id, { status: 'closed' })).toMatchObject({ resolved_at: resolved, closed_at: closed });
    expect(await update('ticket', t.id, { status: 'reopened' })).toMatchObject({ resolved_at: null, closed_at: null });
  });

  it('receipts move their plan from unpaid to partly paid to paid, and date it', async () => {
    const a = await account();
    const contract = await create('contract', { name: `合同${tag()}`, account: a.id, amount: 30000 });
    const plan = await create('receivable_plan', { name: '第1期', contract: contract.id, instalment: 1, plan_date: '2031-08-01', plan_amount: 30000 });
    const receipt = (amount: number, date: string) =>
      create('receipt', { contract: contract.id, plan: plan.id, account: a.id, received_date: date, amount, method: 'bank_transfer', status: 'confirmed' });
    expect(plan.status).toBe('unpaid');
    await receipt(10000, '2031-07-01');
    await c.settle();
    expect(await get('receivable_plan', plan.id)).toMatchObject({ status: 'partial', last_received_date: '2031-07-01' });
    await receipt(20000, '2031-07-15');
    await c.settle();
    expect(await get('receivable_plan', plan.id)).toMatchObject({ status: 'paid', last_received_date: '2031-07-15' });
  });

  it('confirming a receipt, publishing an article and a campaign member’s response record their time (and who confirmed)', async () => {
    const clerk = await c.member('finance');
    const a = await account();
    const contract = await create('contract', { name: `合同${tag()}`, account: a.id, amount: 5000 });
    const r = await create('receipt', { contract: contract.id, account: a.id, received_date: '2031-05-10', amount: 5000, method: 'cash' });
    expect(r).toMatchObject({ status: 'pending', confirmed_at: null, confirmed_by: null });
    const confirmedAt = c.clock.advance(60_000).toISOString();
    const confirmed = await c.tenant.records.update('receipt', r.id, { status: 'confirmed' }, {}, { actor: clerk });
    expect(confirmed).toMatchObject({ confirmed_at: confirmedAt, confirmed_by: clerk });

    const article = await create('knowledge_article', { title: `文章${tag()}`, category: 'faq', content: '步骤', status: 'draft' });
    const publishedAt = c.clock.advance(60_000).toISOString();
    expect((await update('knowledge_article', article.id, { status: 'published' })).published_at).toBe(publishedAt);
    c.clock.advance(60_000);
    await update('knowledge_article', article.id, { status: 'archived' });
    expect((await update('knowledge_article', article.id, { status: 'published' })).published_at).toBe(publishedAt);

    const campaign = await create('campaign', { name: `活动${tag()}`, type: 'seminar' });
    const lead = await create('lead', { company: `线索${tag()}`, contact_name: '钱七', mobile: mobile() });
    const m = await create('campaign_member', { campaign: campaign.id, lead: lead.id });
    expect(m.responded_at).toBeNull();
    const respondedAt = c.clock.advance(60_000).toISOString();
    expect((await update('campaign_member', m.id, { status: 'registered' })).responded_at).toBe(respondedAt);
    c.clock.advance(60_000);
    expect((await update('campaign_member', m.id, { status: 'attended' })).responded_at).toBe(respondedAt);
  });

  it('the first response settles the SLA status: met by the due time, breached after it', async () => {
    const due = '2031-05-10T06:00:00.000Z';
    for (const [answered, status] of [
      ['2031-05-10T05:59:00.000Z', 'met'],
      ['2031-05-10T06:00:00.000Z', 'met'],
      ['2031-05-10T06:01:00.000Z', 'breached'],
    ] as const) {
      const t = await create('ticket', { subject: `工单${tag()}`, priority: 'high', response_due_at: due });
      expect(t.sla_status).toBe('on_track');
      expect((await update('ticket', t.id, { first_responded_at: answered })).sla_status, answered).toBe(status);
    }
  });

  it('the public pool (公海) keeps a customer being followed up and takes back one that is not', async () => {
    const rep = await c.member('pool-rep');
    const owned = () => create('account', { name: `公海测试${tag()}有限公司`, owner_id: rep });
    const [followed, quiet] = [await owned(), await owned()];
    c.clock.advance(20 * 86_400_000);
    await create('follow_up', { content: '回访', followed_at: c.clock.now().toISOString(), account: followed.id });
    await c.settle();
    c.clock.advance(15 * 86_400_000);
    await c.tenant.records.recyclePools({ object: 'account' });
    expect((await get('account', followed.id)).owner_id).toBe(rep);
    expect((await get('account', quiet.id)).owner_id).toBeNull();
  });
});
