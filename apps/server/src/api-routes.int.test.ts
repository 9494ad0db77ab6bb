import { backends } from '@tangram/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestServer, setupServer } from './testing/harness';

const v1 = {
  objects: [
    {
      name: 'item',
      searchFields: ['name'],
      fields: [
        { name: 'name', type: 'text', required: true },
        { name: 'qty', type: 'integer' },
        { name: 'kind', type: 'select', options: { options: [{ key: 'a' }, { key: 'b' }] } },
      ],
    },
  ],
};

describe.each(await backends())('metadata, bulk, aggregate, history and admin routes on %s', (backend) => {
  let s: TestServer;
  let admin: Session;
  let base: string;
  beforeAll(async () => {
    s = await setupServer(backend);
    admin = await s.login(s.admin.email, s.admin.password);
    base = `/api/v1/t/${s.tenant}`;
  });
  afterAll(() => s.close());

  it('saves a draft as typed (even invalid), plans it, and publishes it', async () => {
    const invalid = await s.as(admin, { method: 'PUT', url: `${base}/metadata/draft`, payload: { metadata: { objects: [{ name: 'Bad Name', fields: [] }] } } });
    expect(invalid.statusCode).toBe(200);
    expect((await s.as(admin, { url: `${base}/metadata/draft` })).json().metadata.objects[0].name).toBe('Bad Name');
    const refused = await s.as(admin, { method: 'POST', url: `${base}/metadata/plan`, payload: {} });
    expect(refused.json().error).toMatchObject({ code: 'METADATA_INVALID', details: { problems: [expect.objectContaining({ path: '/objects/0/name' })] } });
    await s.as(admin, { method: 'PUT', url: `${base}/metadata/draft`, payload: { metadata: v1 } });
    const pub = await s.as(admin, { method: 'POST', url: `${base}/metadata/publish`, payload: { message: 'from draft' } });
    expect(pub.statusCode).toBe(201);
    expect((await s.as(admin, { url: `${base}/metadata` })).json()).toMatchObject({ revision: 1, metadata: { objects: [{ name: 'item' }] } });
  });

  it('lists revisions, shows a diff and rolls back', async () => {
    const v2 = structuredClone(v1);
    v2.objects[0]?.fields.push({ name: 'note', type: 'text' } as never);
    await s.as(admin, { method: 'POST', url: `${base}/metadata/publish`, payload: { metadata: v2 } });
    expect((await s.as(admin, { url: `${base}/metadata/revisions` })).json().revisions.map((r: { id: number }) => r.id)).toEqual([2, 1]);
    expect((await s.as(admin, { url: `${base}/metadata/revisions/2` })).json().metadata.objects[0].fields).toHaveLength(4);
    const diff = (await s.as(admin, { url: `${base}/metadata/revisions/2/diff` })).json();
    expect(diff.steps.map((x: { action: { kind: string } }) => x.action.kind)).toEqual(['column.add']);
    const rb = await s.as(admin, { method: 'POST', url: `${base}/metadata/revisions/1/rollback` });
    expect(rb.json()).toMatchObject({ id: 3, message: 'rollback to revision 1' });
    expect((await s.as(admin, { url: `${base}/metadata/revisions/99` })).json().error.code).toBe('REVISION_NOT_FOUND');
  });

  it('creates, updates and deletes in bulk, all or nothing', async () => {
    const url = `${base}/objects/item/records/bulk`;
    const ok = (
      await s.as(admin, {
        method: 'POST',
        url,
        payload: {
          create: [
            { name: 'a', qty: 1, kind: 'a' },
            { name: 'b', qty: 2, kind: 'b' },
            { name: 'c', qty: 3, kind: 'b' },
          ],
        },
      })
    ).json();
    expect(ok.created).toHaveLength(3);
    const upd = await s.as(admin, { method: 'POST', url, payload: { update: [{ id: ok.created[0].id, version: 1, values: { qty: 10 } }] } });
    expect(upd.json().updated[0]).toMatchObject({ qty: 10, version: 2 });
    const bad = await s.as(admin, { method: 'POST', url, payload: { create: [{ name: 'd' }, { qty: 'x' }] } });
    expect(bad.json().error).toMatchObject({ code: 'RECORD_INVALID', details: { index: 1 } });
    expect((await s.as(admin, { url: `${base}/objects/item/records?search=d` })).json().records).toEqual([]);
    expect((await s.as(admin, { method: 'POST', url, payload: { delete: [ok.created[2].id] } })).json().deleted).toBe(1);
  });

  it('aggregates with a filter, and refuses a measure on a text field', async () => {
    const res = await s.as(admin, {
      method: 'POST',
      url: `${base}/objects/item/records/aggregate`,
      payload: { groupBy: ['kind'], measures: [{ fn: 'sum', field: 'qty' }, { fn: 'count' }] },
    });
    expect(res.json().rows).toEqual([
      { kind: 'a', sum_qty: 10, count: 1 },
      { kind: 'b', sum_qty: 2, count: 1 },
    ]);
    const bad = await s.as(admin, { method: 'POST', url: `${base}/objects/item/records/aggregate`, payload: { measures: [{ fn: 'sum', field: 'name' }] } });
    expect(bad.json().error.code).toBe('QUERY_INVALID');
  });

  it('shows history and reverts a record to an earlier version', async () => {
    const url = `${base}/objects/item/records`;
    const r = (await s.as(admin, { method: 'POST', url, payload: { name: 'h', qty: 1 } })).json();
    await s.as(admin, { method: 'PATCH', url: `${url}/${r.id}`, payload: { qty: 2 }, headers: { 'if-match': '1' } });
    const history = (await s.as(admin, { url: `${url}/${r.id}/history` })).json().entries;
    expect(history[1]).toMatchObject({ version: 2, actor: expect.any(String), changes: { qty: { before: 1, after: 2 } } });
    const back = (await s.as(admin, { method: 'POST', url: `${url}/${r.id}/revert`, payload: { version: 1 } })).json();
    expect(back).toMatchObject({ qty: 1, version: 3 });
    expect((await s.as(admin, { method: 'POST', url: `${url}/${r.id}/revert`, payload: { version: 9 } })).json().error.code).toBe('VERSION_NOT_FOUND');
  });

  it('lets a platform admin list and create tenants, and nobody else', async () => {
    const slug = `${s.tenant}x`;
    const created = await s.as(admin, { method: 'POST', url: '/api/v1/tenants', payload: { slug } });
    expect(created.statusCode).toBe(201);
    await s.createTenant(`${slug}y`);
    expect((await s.as(admin, { url: '/api/v1/tenants' })).json().tenants.map((t: { slug: string }) => t.slug)).toContain(slug);
    expect((await s.as(admin, { method: 'POST', url: '/api/v1/tenants', payload: { slug } })).json().error.code).toBe('TENANT_EXISTS');
    await s.as(admin, { method: 'POST', url: `${base}/members`, payload: { email: `m2@${s.domain}`, password: 'member password', role: 'member' } });
    const member = await s.login(`m2@${s.domain}`, 'member password');
    expect((await s.as(member, { url: '/api/v1/tenants' })).json().error.code).toBe('FORBIDDEN');
  });

  it('tells who is signed in, and signs out', async () => {
    const session = await s.login(s.admin.email, s.admin.password);
    const me = (await s.as(session, { url: '/api/v1/auth/me' })).json();
    expect(me.user.email).toBe(s.admin.email);
    expect(me.tenants.map((t: { slug: string }) => t.slug)).toContain(s.tenant);
    expect((await s.as(session, { method: 'POST', url: '/api/v1/auth/logout' })).statusCode).toBe(204);
    expect((await s.as(session, { url: '/api/v1/auth/me' })).statusCode).toBe(401);
    expect(
      (await s.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: `nobody@${s.domain}`, password: 'whatever1' } })).json().error.code,
    ).toBe('UNAUTHENTICATED');
  });

  it('edits the draft one object and field at a time; renames keep the column and its data', async () => {
    const d = `${base}/metadata/draft`;
    expect((await s.as(admin, { method: 'POST', url: `${d}/objects`, payload: { name: 'asset', label: '资产' } })).statusCode).toBe(200);
    await s.as(admin, { method: 'POST', url: `${d}/objects/asset/fields`, payload: { name: 'tag', type: 'text' } });
    await s.as(admin, { method: 'POST', url: `${base}/metadata/publish`, payload: {} });
    const rec = (await s.as(admin, { method: 'POST', url: `${base}/objects/asset/records`, payload: { tag: 'A-1' } })).json();
    await s.as(admin, { method: 'PATCH', url: `${d}/objects/asset/fields/tag`, payload: { name: 'code' } });
    await s.as(admin, { method: 'POST', url: `${base}/metadata/publish`, payload: {} });
    expect((await s.as(admin, { url: `${base}/objects/asset/records/${rec.id}` })).json()).toMatchObject({ code: 'A-1' });
    const errors = await Promise.all([
      s.as(admin, { method: 'POST', url: `${d}/objects/asset/fields`, payload: { name: 'code', type: 'text' } }),
      s.as(admin, { method: 'POST', url: `${d}/objects/nope/fields`, payload: { name: 'x', type: 'text' } }),
      s.as(admin, { method: 'DELETE', url: `${d}/objects/asset/fields/nope` }),
      s.as(admin, { method: 'POST', url: `${d}/objects`, payload: {} }),
    ]);
    expect(errors.map((r) => r.json().error.code)).toEqual(['NAME_DUPLICATE', 'OBJECT_NOT_FOUND', 'FIELD_NOT_FOUND', 'VALIDATION_FAILED']);
    await s.as(admin, { method: 'POST', url: `${base}/members`, payload: { email: `designer-no@${s.domain}`, password: 'member password', role: 'member' } });
    const member = await s.login(`designer-no@${s.domain}`, 'member password');
    expect((await s.as(member, { method: 'POST', url: `${d}/objects`, payload: { name: 'x' } })).json().error.code).toBe('FORBIDDEN');
  });
});
