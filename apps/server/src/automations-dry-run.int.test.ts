import { backends } from '@tangram/engine/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessWorld, accessApp, buildAccessWorld } from './testing/access-fixture';
import { type TestServer, setupServer } from './testing/harness';

// POST /automations/dry-run over HTTP: designers only, on records they may read, stable codes,
// and nothing written (the audit log, the outbox and the notifications stay as they were).
const flagBigDeal = {
  name: 'flag_big_deal',
  object: 'deal',
  trigger: { kind: 'field.changed', fields: ['amount'] },
  condition: { '>': [{ var: 'amount' }, 100000] },
  actions: [
    { id: 'flag', kind: 'updateRecord', target: { kind: 'self' }, values: [{ field: 'region', value: '风险' }] },
    { id: 'tell', kind: 'notify', to: [{ kind: 'owner' }, { kind: 'ownerManager' }], title: { 'zh-CN': '大单' } },
  ],
};

describe.each(await backends())('automation dry runs over HTTP on %s', (backend) => {
  let s: TestServer;
  let w: AccessWorld;
  let dealId = '';
  const dryRun = (who: keyof AccessWorld['sessions'] | 'admin', payload: unknown) =>
    s.as(who === 'admin' ? w.admin : w.sessions[who], { method: 'POST', url: `${w.base}/automations/dry-run`, payload: payload as never });

  beforeAll(async () => {
    s = await setupServer(backend);
    w = await buildAccessWorld(s);
    dealId = (await w.create('deal', 'alice', { title: '华东大单', amount: 250000, region: 'east' })).id;
    await w.putRole({ name: 'designer', label: '设计者', designer: true, objects: { deal: { read: 'own' } } });
    await w.putRole({ name: 'reader', objects: { deal: { read: 'all' } } });
  });
  afterAll(async () => {
    await s?.close();
  });

  const counts = async () => {
    const schema = (await s.engine.tenant(s.tenant)).tenant.schema;
    const n = async (table: string) => Number((await sql<{ n: string }>`select count(*) as n from ${sql.id(schema, table)}`.execute(s.engine.db)).rows[0]?.n);
    return { audit: await n('_audit'), outbox: await n('_outbox'), notifications: await n('_notification'), effects: await n('_automation_effect') };
  };

  it('shows a designer the field diff and the recipients by name, and writes nothing', async () => {
    const before = await counts();
    const res = await dryRun('admin', { automation: flagBigDeal, recordId: dealId });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      automation: 'flag_big_deal',
      object: 'deal',
      recordId: dealId,
      trigger: { kind: 'field.changed', applies: true, reason: 'onWrite' },
      condition: { holds: true },
      wouldRun: true,
      actions: [
        { id: 'flag', status: 'would', updates: [{ object: 'deal', id: dealId, changes: [{ field: 'region', before: 'east', after: '风险' }] }] },
        {
          id: 'tell',
          status: 'would',
          title: '大单',
          recipients: [
            { id: w.ids.alice, name: 'alice' },
            { id: w.ids.mgr, name: 'mgr' },
          ],
        },
      ],
    });
    expect(await counts()).toEqual(before);
    expect((await s.as(w.admin, { url: `${w.base}/objects/deal/records/${dealId}` })).json()).toMatchObject({ region: 'east' });
  });

  it('refuses members without the designer permission, even when they read the record', async () => {
    await w.assign('bob', ['reader']);
    const res = await dryRun('bob', { automation: flagBigDeal, recordId: dealId });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
  });

  it('a designer dry-runs only on records they may read', async () => {
    await w.assign('carol', ['designer']);
    const res = await dryRun('carol', { automation: flagBigDeal, recordId: dealId });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(['RECORD_NOT_FOUND', 'FORBIDDEN']).toContain(res.json().error.code);
    const own = (await w.create('deal', 'carol', { title: '华南单', amount: 5 })).id;
    const mine = await dryRun('carol', { automation: flagBigDeal, recordId: own });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json()).toMatchObject({ condition: { holds: false }, wouldRun: false });
  });

  it('answers bad input with stable codes and paths', async () => {
    const neither = await dryRun('admin', { recordId: dealId });
    expect([neither.statusCode, neither.json().error.code]).toEqual([400, 'AUTOMATION_DRY_RUN_INVALID']);
    const unknown = await dryRun('admin', { id: 'nope', recordId: dealId });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'AUTOMATION_NOT_FOUND']);
    const bad = await dryRun('admin', { automation: { ...flagBigDeal, trigger: { kind: 'field.changed', fields: ['nope'] } }, recordId: dealId });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.problems).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/automation/trigger/fields/0' })]));
    const noRecord = await dryRun('admin', { automation: flagBigDeal, recordId: '01890000-0000-7000-8000-000000000000' });
    expect([noRecord.statusCode, noRecord.json().error.code]).toEqual([404, 'RECORD_NOT_FOUND']);
    const missing = await dryRun('admin', { automation: flagBigDeal });
    expect(missing.statusCode).toBe(400);
  });

  it('dry-runs a published automation by id', async () => {
    const published = await s.as(w.admin, {
      method: 'POST',
      url: `${w.base}/metadata/publish`,
      payload: { metadata: { ...accessApp, automations: [flagBigDeal] } },
    });
    expect(published.statusCode, published.body).toBe(201);
    const res = await dryRun('admin', { id: 'flag_big_deal', recordId: dealId });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().actions[0].updates[0].changes).toEqual([{ field: 'region', before: 'east', after: '风险' }]);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await s.as(w.admin, { url: `/api/v1/t/${s.tenant}/openapi.json` })).json();
    const op = Object.entries(doc.paths as Record<string, Record<string, { operationId?: string }>>).find(
      ([, ops]) => ops.post?.operationId === 'dryRunAutomation',
    );
    expect(op?.[0]).toMatch(/\/automations\/dry-run$/);
  });
});
