import { backends } from '@tangram/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestServer, setupServer } from './testing/harness';

const app = (type: string) => ({ objects: [{ name: 'item', fields: [{ name: 'amount', type }] }] });

describe.each(await backends())('changing a field type through the API on %s', (backend) => {
  let s: TestServer;
  let admin: Session;
  let base: string;
  beforeAll(async () => {
    s = await setupServer(backend);
    admin = await s.login(s.admin.email, s.admin.password);
    base = `/api/v1/t/${s.tenant}`;
  });
  afterAll(() => s.close());

  it('refuses a change that would round stored values, counted in the dry run, unless the designer accepts rounding', async () => {
    expect((await s.as(admin, { method: 'POST', url: `${base}/metadata/publish`, payload: { metadata: app('decimal') } })).statusCode).toBe(201);
    const rec = (await s.as(admin, { method: 'POST', url: `${base}/objects/item/records`, payload: { amount: 2.125 } })).json();
    const alter = (r: { json(): { steps: { action: { kind: string } }[] } }) => r.json().steps.find((x) => x.action.kind === 'column.alterType');

    const plan = await s.as(admin, { method: 'POST', url: `${base}/metadata/plan`, payload: { metadata: app('currency') } });
    expect(alter(plan)).toMatchObject({ failingRows: 1, roundedRows: 1 });
    const refused = await s.as(admin, { method: 'POST', url: `${base}/metadata/publish`, payload: { metadata: app('currency') } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'FIELD_TYPE_CHANGE_LOSES_DATA', details: { field: 'amount', rows: 1, rounded: 1, sample: [rec.id] } });
    expect((await s.as(admin, { url: `${base}/objects/item/records/${rec.id}` })).json().amount).toBe(2.125);

    const accepted = await s.as(admin, { method: 'POST', url: `${base}/metadata/plan`, payload: { metadata: app('currency'), acceptRounding: true } });
    expect(alter(accepted)).toMatchObject({ failingRows: 0, roundedRows: 1 });
    const published = await s.as(admin, { method: 'POST', url: `${base}/metadata/publish`, payload: { metadata: app('currency'), acceptRounding: true } });
    expect(published.statusCode).toBe(201);
    expect((await s.as(admin, { url: `${base}/objects/item/records/${rec.id}` })).json().amount).toBe(2.13);
  });

  it('changes a field type in the draft without sending options: the new type takes its default options', async () => {
    const field = `${base}/metadata/draft/objects/item/fields/amount`;
    const patched = await s.as(admin, { method: 'PATCH', url: field, payload: { type: 'text' } });
    expect(patched.statusCode).toBe(200);
    const plan = await s.as(admin, { method: 'POST', url: `${base}/metadata/plan`, payload: {} });
    expect(plan.statusCode).toBe(200);
    expect(plan.json().steps.find((x: { action: { kind: string } }) => x.action.kind === 'column.alterType')).toMatchObject({
      action: { fromType: 'currency', toType: 'text' },
      failingRows: 0,
    });
    expect((await s.as(admin, { method: 'POST', url: `${base}/metadata/publish`, payload: {} })).statusCode).toBe(201);
    const list = (await s.as(admin, { url: `${base}/objects/item/records` })).json();
    expect(list.records.map((r: { amount: unknown }) => r.amount)).toEqual(['2.13']);
  });
});
