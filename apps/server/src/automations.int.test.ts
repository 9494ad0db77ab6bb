import { backends } from '@tangram/engine/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestServer, setupServer } from './testing/harness';

const choice = (...keys: string[]) => ({ options: keys.map((key) => ({ key })) });
const stageIs = (stage: string) => ({ '==': [{ var: 'stage' }, stage] });

/** A small CRM whose rules run inside the write: stage probabilities, closing a won deal, refusals. */
const crm = {
  objects: [
    {
      name: 'opportunity',
      fields: [
        { name: 'title', type: 'text', required: true },
        { name: 'amount', type: 'decimal' },
        { name: 'stage', type: 'select', options: choice('new', 'quote', 'won', 'lost') },
        { name: 'probability', type: 'integer', options: { min: 0, max: 100 } },
        { name: 'closed_at', type: 'datetime' },
        { name: 'lost_reason', type: 'text' },
        { name: 'at_risk', type: 'boolean' },
        { name: 'summary', type: 'text' },
        {
          name: 'weighted',
          type: 'formula',
          options: { expression: { '/': [{ '*': [{ var: 'amount' }, { var: 'probability' }] }, 100] }, resultType: 'number' },
        },
      ],
    },
  ],
  automations: [
    {
      name: 'quote_probability',
      label: { 'zh-CN': '报价阶段概率', en: 'Quote probability' },
      object: 'opportunity',
      trigger: { kind: 'field.changed', fields: ['stage'], to: 'quote', timing: 'beforeSave' },
      actions: [{ id: 'set', kind: 'setFields', values: [{ field: 'probability', value: 40 }] }],
    },
    {
      name: 'won_closes',
      object: 'opportunity',
      trigger: { kind: 'field.changed', fields: ['stage'], from: 'quote', to: 'won', timing: 'beforeSave' },
      actions: [
        {
          id: 'close',
          kind: 'setFields',
          values: [
            { field: 'probability', value: 100 },
            { field: 'closed_at', formula: { var: '$now' } },
          ],
        },
      ],
    },
    {
      name: 'lost_needs_reason',
      object: 'opportunity',
      trigger: { kind: 'record.updated', timing: 'beforeSave' },
      condition: { and: [stageIs('lost'), { '!': { var: 'lost_reason' } }] },
      actions: [{ id: 'refuse', kind: 'refuse', message: { 'zh-CN': '输单必须填写输单原因', en: 'A lost deal needs a reason' } }],
    },
    {
      name: 'big_deal',
      object: 'opportunity',
      trigger: { kind: 'record.created', timing: 'beforeSave' },
      condition: { '>': [{ var: 'amount' }, 100000] },
      actions: [
        {
          id: 'flag',
          kind: 'setFields',
          values: [
            { field: 'at_risk', value: true },
            { field: 'summary', formula: { var: 'amount' } },
          ],
        },
      ],
    },
    {
      name: 'keep_won',
      object: 'opportunity',
      trigger: { kind: 'record.deleted', timing: 'beforeSave' },
      condition: stageIs('won'),
      actions: [{ id: 'refuse', kind: 'refuse', message: '赢单不能删除' }],
    },
    {
      name: 'split_probability',
      object: 'opportunity',
      trigger: { kind: 'field.changed', fields: ['amount'], timing: 'beforeSave' },
      condition: { '==': [{ var: 'title' }, 'odd split'] },
      actions: [{ id: 'third', kind: 'setFields', values: [{ field: 'probability', formula: { '/': [{ var: 'amount' }, 3] } }] }],
    },
    {
      name: 'no_discount',
      object: 'opportunity',
      trigger: { kind: 'record.updated', timing: 'beforeSave' },
      condition: { '<': [{ var: 'amount' }, { var: '$previous.amount' }] },
      actions: [{ id: 'refuse', kind: 'refuse', message: '金额不能降低' }],
    },
    {
      name: 'switched_off',
      object: 'opportunity',
      enabled: false,
      trigger: { kind: 'record.created', timing: 'beforeSave' },
      actions: [{ id: 'flag', kind: 'setFields', values: [{ field: 'lost_reason', value: 'should never be set' }] }],
    },
    {
      // Declared for the after-commit engine to come: published and kept, not run inside the write.
      name: 'tell_owner',
      object: 'opportunity',
      trigger: { kind: 'field.changed', fields: ['stage'], to: 'won' },
      actions: [{ id: 'bell', kind: 'notify', to: [{ kind: 'owner' }, { kind: 'ownerManager' }], title: '赢单了' }],
    },
  ],
};

describe.each(await backends())('before-save automations over HTTP on %s', (backend) => {
  let s: TestServer;
  let admin: Session;
  let base: string;
  let deals: string;

  const create = (payload: Record<string, unknown>) => s.as(admin, { method: 'POST', url: deals, payload });
  const update = (id: string, version: number, payload: Record<string, unknown>) =>
    s.as(admin, { method: 'PATCH', url: `${deals}/${id}`, payload, headers: { 'if-match': `"${version}"` } });

  beforeAll(async () => {
    s = await setupServer(backend);
    admin = await s.login(s.admin.email, s.admin.password);
    base = `/api/v1/t/${s.tenant}`;
    deals = `${base}/objects/opportunity/records`;
    const draft = await s.as(admin, { method: 'PUT', url: `${base}/metadata/draft`, payload: { metadata: crm } });
    expect(draft.statusCode, draft.body).toBe(200);
    const published = await s.as(admin, { method: 'POST', url: `${base}/metadata/publish`, payload: {} });
    expect(published.statusCode, published.body).toBe(201);
  });
  afterAll(() => s.close());

  it('publishes automations with the metadata, normalised and revisioned', async () => {
    const got = (await s.as(admin, { url: `${base}/metadata` })).json();
    expect(got.metadata.automations.map((a: { id: string }) => a.id)).toEqual(crm.automations.map((a) => a.name));
    expect(got.metadata.automations[0]).toMatchObject({
      id: 'quote_probability',
      object: 'opportunity',
      enabled: true,
      runAs: 'system',
      label: { 'zh-CN': '报价阶段概率', en: 'Quote probability' },
      trigger: { kind: 'field.changed', fields: ['stage'], to: 'quote', timing: 'beforeSave' },
    });
    expect(got.metadata.automations.at(-1).trigger.timing).toBe('afterCommit');
    const revision = (await s.as(admin, { url: `${base}/metadata/revisions/${got.revision}` })).json();
    expect(revision.metadata.automations).toHaveLength(crm.automations.length);
  });

  it('refuses to publish a broken automation, with every problem at its path, changing nothing', async () => {
    const before = (await s.as(admin, { url: `${base}/metadata` })).json().revision;
    const broken = structuredClone(crm) as { automations: Record<string, unknown>[] };
    broken.automations.push({
      name: 'broken',
      object: 'opportunity',
      trigger: { kind: 'schedule', cron: '0 9 * * someday' },
      actions: [
        { id: 'a', kind: 'setFields', values: [{ field: 'probability', value: 1 }] },
        { id: 'b', kind: 'addScore', field: 'title', amount: 1 },
      ],
    });
    const res = await s.as(admin, { method: 'POST', url: `${base}/metadata/publish`, payload: { metadata: broken } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('METADATA_INVALID');
    expect(res.json().error.details.problems.map((p: { code: string; path: string }) => [p.code, p.path])).toEqual([
      ['AUTOMATION_CRON_INVALID', '/automations/9/trigger/cron'],
      ['AUTOMATION_ACTION_TIMING', '/automations/9/actions/0/kind'],
    ]);
    expect((await s.as(admin, { url: `${base}/metadata` })).json().revision).toBe(before);
  });

  it('refuses a value read from other records or a query target that does not fit, at its path (AUTOMATION_QUERY_INVALID, RULE_*)', async () => {
    const before = (await s.as(admin, { url: `${base}/metadata` })).json().revision;
    const broken = structuredClone(crm) as { automations: Record<string, unknown>[] };
    const at = broken.automations.length;
    broken.automations.push(
      {
        name: 'sum_of_titles',
        object: 'opportunity',
        trigger: { kind: 'record.created', timing: 'beforeSave' },
        actions: [{ id: 'a', kind: 'setFields', values: [{ field: 'probability', aggregate: { object: 'opportunity', op: 'sum', field: 'title' } }] }],
      },
      {
        name: 'bad_filter',
        object: 'opportunity',
        trigger: { kind: 'record.updated' },
        actions: [
          {
            id: 'a',
            kind: 'updateRecord',
            target: { kind: 'query', object: 'opportunity', filter: { '==': [{ var: 'colour' }, { var: '$record.stage' }] } },
            values: [
              { field: 'probability', aggregate: { object: 'opportunity', op: 'count', filter: { '==': [{ var: 'stage' }, { var: '$target.stage' }] } } },
            ],
          },
        ],
      },
    );
    const res = await s.as(admin, { method: 'POST', url: `${base}/metadata/publish`, payload: { metadata: broken } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.problems.map((p: { code: string; path: string }) => [p.code, p.path])).toEqual([
      ['AUTOMATION_QUERY_INVALID', `/automations/${at}/actions/0/values/0/aggregate/field`],
      ['RULE_FIELD_UNKNOWN', `/automations/${at + 1}/actions/0/target/filter/==/0`],
    ]);
    const shape = structuredClone(crm) as { automations: Record<string, unknown>[] };
    shape.automations.push({
      name: 'no_op',
      object: 'opportunity',
      trigger: { kind: 'record.created', timing: 'beforeSave' },
      actions: [{ id: 'a', kind: 'setFields', values: [{ field: 'probability', aggregate: { object: 'opportunity', op: 'median', field: 'amount' } }] }],
    });
    const res2 = await s.as(admin, { method: 'POST', url: `${base}/metadata/publish`, payload: { metadata: shape } });
    expect(res2.json().error.details.problems.map((p: { code: string; path: string }) => [p.code, p.path])).toEqual([
      ['AUTOMATION_QUERY_INVALID', `/automations/${at}/actions/0/values/0/aggregate/op`],
    ]);
    expect((await s.as(admin, { url: `${base}/metadata` })).json().revision).toBe(before);
  });

  it('sets values on create, where a creation counts as a change from nothing, and recomputes formulas from them', async () => {
    const big = await create({ title: '华东数据中心', amount: 200000, stage: 'quote' });
    expect(big.statusCode, big.body).toBe(201);
    // A number for a text field is written as its text.
    expect(big.json()).toMatchObject({ at_risk: true, probability: 40, weighted: 80000, lost_reason: null, summary: '200000' });
    const small = await create({ title: '小单', amount: 5000, stage: 'new' });
    expect(small.json()).toMatchObject({ at_risk: null, probability: null });
  });

  it('fires field.changed only from → to over the previous values', async () => {
    const deal = (await create({ title: '杭州云栖', amount: 1000, stage: 'new' })).json();
    // new → won skips the quote: won_closes watches quote → won only.
    const direct = await update(deal.id, 1, { stage: 'won' });
    expect(direct.json()).toMatchObject({ stage: 'won', probability: null, closed_at: null });

    const other = (await create({ title: '宁波港', amount: 1000, stage: 'new' })).json();
    const quoted = await update(other.id, 1, { stage: 'quote' });
    expect(quoted.json()).toMatchObject({ stage: 'quote', probability: 40 });
    // The client's own probability is overridden by the rule, which runs after the input is taken.
    const won = await update(other.id, 2, { stage: 'won', probability: 70 });
    expect(won.statusCode, won.body).toBe(200);
    expect(won.json()).toMatchObject({ stage: 'won', probability: 100, weighted: 1000 });
    expect(Date.parse(won.json().closed_at)).not.toBeNaN();
    // A change that leaves the stage as it is fires nothing.
    const renamed = await update(other.id, 3, { title: '宁波港二期' });
    expect(renamed.json()).toMatchObject({ probability: 100, version: 4 });
  });

  it('writes the values it sets in the same audit entry as the change, and says in the event which automation set what', async () => {
    const deal = (await create({ title: '苏州工业园', amount: 3000, stage: 'new' })).json();
    await update(deal.id, 1, { stage: 'quote' });
    const history = (await s.as(admin, { url: `${deals}/${deal.id}/history` })).json().entries;
    expect(history).toHaveLength(2);
    expect(history[1].changes).toEqual({
      stage: { before: 'new', after: 'quote' },
      probability: { before: null, after: 40 },
      weighted: { before: null, after: 1200 },
    });
    const tenant = await s.engine.tenant(s.tenant);
    const events = await sql<{ payload: { automations?: unknown } }>`select payload from ${sql.id(tenant.tenant.schema, '_outbox')}
      where record_id = ${deal.id} order by id`.execute(s.engine.database.db);
    expect(events.rows.map((r) => r.payload.automations ?? null)).toEqual([null, [{ automation: 'quote_probability', set: ['probability'] }]]);
  });

  it('refuses a write with the automation’s message, naming it, and writes nothing', async () => {
    const deal = (await create({ title: '无锡', amount: 800, stage: 'new' })).json();
    const refused = await update(deal.id, 1, { stage: 'lost' });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({
      code: 'AUTOMATION_REFUSED',
      message: '输单必须填写输单原因',
      details: { automation: 'lost_needs_reason', action: 'refuse', messages: { 'zh-CN': '输单必须填写输单原因', en: 'A lost deal needs a reason' } },
    });
    expect((await s.as(admin, { url: `${deals}/${deal.id}` })).json()).toMatchObject({ stage: 'new', version: 1 });
    const withReason = await update(deal.id, 1, { stage: 'lost', lost_reason: '预算取消' });
    expect(withReason.statusCode, withReason.body).toBe(200);
  });

  it('reads the previous values as $previous in a condition', async () => {
    const deal = (await create({ title: '扬州', amount: 5000, stage: 'new' })).json();
    const lower = await update(deal.id, 1, { amount: 4000 });
    expect(lower.statusCode).toBe(422);
    expect(lower.json().error).toMatchObject({ code: 'AUTOMATION_REFUSED', message: '金额不能降低', details: { automation: 'no_discount' } });
    const higher = await update(deal.id, 1, { amount: 6000 });
    expect(higher.statusCode, higher.body).toBe(200);
  });

  it('refuses a deletion when the rule says so, and lets other deletions through', async () => {
    const deal = (await create({ title: '常州', amount: 100, stage: 'quote' })).json();
    await update(deal.id, 1, { stage: 'won' });
    const refused = await s.as(admin, { method: 'DELETE', url: `${deals}/${deal.id}`, headers: { 'if-match': '"2"' } });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({ code: 'AUTOMATION_REFUSED', message: '赢单不能删除', details: { automation: 'keep_won' } });
    const open = (await create({ title: '南通', stage: 'new' })).json();
    expect((await s.as(admin, { method: 'DELETE', url: `${deals}/${open.id}`, headers: { 'if-match': '"1"' } })).statusCode).toBe(204);
  });

  it('checks a value an automation sets like input, naming the automation when it does not fit', async () => {
    const bad = await create({ title: 'odd split', amount: 100, stage: 'new' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({
      code: 'RECORD_INVALID',
      details: { problems: [{ code: 'RECORD_INVALID', field: 'probability', automation: 'split_probability', action: 'third' }] },
    });
    const fits = await create({ title: 'odd split', amount: 90, stage: 'new' });
    expect(fits.statusCode, fits.body).toBe(201);
    expect(fits.json().probability).toBe(30);
  });
});

describe.each(await backends())('after-commit automations over HTTP on %s', (backend) => {
  let s: TestServer;
  let admin: Session;
  let base: string;

  beforeAll(async () => {
    s = await setupServer(backend);
    admin = await s.login(s.admin.email, s.admin.password);
    base = `/api/v1/t/${s.tenant}`;
    const metadata = {
      objects: [
        {
          name: 'lead',
          fields: [
            { name: 'name', type: 'text', required: true },
            { name: 'score', type: 'integer' },
          ],
        },
      ],
      automations: [
        { name: 'welcome_score', object: 'lead', trigger: { kind: 'record.created' }, actions: [{ id: 'add', kind: 'addScore', field: 'score', amount: 10 }] },
      ],
    };
    const draft = await s.as(admin, { method: 'PUT', url: `${base}/metadata/draft`, payload: { metadata } });
    expect(draft.statusCode, draft.body).toBe(200);
    const published = await s.as(admin, { method: 'POST', url: `${base}/metadata/publish`, payload: {} });
    expect(published.statusCode, published.body).toBe(201);
  });
  afterAll(() => s.close());

  it('runs after the write commits, once, and the run log tells', async () => {
    const created = await s.as(admin, { method: 'POST', url: `${base}/objects/lead/records`, payload: { name: '杭州云栖' } });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    await s.engine.jobs.runDue({ queues: ['automations.dispatch', 'automations.run'] });
    const lead = await s.as(admin, { url: `${base}/objects/lead/records/${id}` });
    expect(lead.json().score).toBe(10);
    const runs = await s.as(admin, { url: `${base}/automations/welcome_score/runs?limit=10` });
    expect(runs.statusCode, runs.body).toBe(200);
    expect(runs.json().runs).toMatchObject([
      { automation: 'welcome_score', recordId: id, status: 'succeeded', depth: 1, actions: [{ id: 'add', status: 'done' }] },
    ]);
    const history = await s.as(admin, { url: `${base}/objects/lead/records/${id}/history` });
    expect(history.json().entries.at(-1)).toMatchObject({ via: { automation: 'welcome_score', depth: 1 } });
    // A run that did not fail cannot be retried; an unknown run or automation is not found.
    const runId = runs.json().runs[0].id as number;
    const again = await s.as(admin, { method: 'POST', url: `${base}/automations/welcome_score/runs/${runId}/retry` });
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json().error.code).toBe('AUTOMATION_RUN_NOT_RETRYABLE');
    expect((await s.as(admin, { method: 'POST', url: `${base}/automations/welcome_score/runs/999999/retry` })).json().error.code).toBe(
      'AUTOMATION_RUN_NOT_FOUND',
    );
    expect((await s.as(admin, { url: `${base}/automations/nothing/runs` })).statusCode).toBe(404);
  });

  it('shows the run log to tenant admins only', async () => {
    const email = `runs-member@${s.domain}`;
    const added = await s.as(admin, { method: 'POST', url: `${base}/members`, payload: { email, name: 'M', password: 'member password', role: 'member' } });
    expect(added.statusCode, added.body).toBe(201);
    const member = await s.login(email, 'member password');
    const res = await s.as(member, { url: `${base}/automations/welcome_score/runs` });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
    const retry = await s.as(member, { method: 'POST', url: `${base}/automations/welcome_score/runs/1/retry` });
    expect(retry.statusCode).toBe(403);
  });
});
