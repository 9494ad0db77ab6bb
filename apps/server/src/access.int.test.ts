import { backends } from '@tangram/engine/testing';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessWorld, buildAccessWorld } from './testing/access-fixture';
import { type TestServer, setupServer } from './testing/harness';

describe.each(await backends())('roles over HTTP on %s', (backend) => {
  let s: TestServer;
  let w: AccessWorld;
  const err = (res: LightMyRequestResponse) => res.json().error;

  beforeAll(async () => {
    s = await setupServer(backend);
    w = await buildAccessWorld(s);
  });
  afterAll(() => s.close());

  it('checks a role against the published model and says where each problem is', async () => {
    const put = (name: string, payload: unknown) => s.as(w.admin, { method: 'PUT', url: `${w.base}/access/roles/${name}`, payload: payload as object });
    const res = await put('bad', {
      label: '坏角色',
      objects: {
        nosuch: { read: 'all' },
        deal: { read: 'everyone', update: { rule: { '==': [{ var: 'nope' }, 1] } }, fields: { cost: 'invisible', ghost: 'hidden' }, fly: true },
        '*': { fields: { x: 'hidden' } },
      },
    });
    expect(res.statusCode).toBe(400);
    expect(err(res).code).toBe('ROLE_INVALID');
    const paths = err(res).details.problems.map((p: { path: string }) => p.path);
    for (const path of [
      '/objects/nosuch',
      '/objects/deal/read',
      '/objects/deal/update/rule',
      '/objects/deal/fields/cost',
      '/objects/deal/fields/ghost',
      '/objects/deal/fly',
      '/objects/*/fields',
    ])
      expect(
        paths.some((p: string) => p.startsWith(path)),
        path,
      ).toBe(true);
    expect(err(await put('Bad-Name', { objects: {} })).code).toBe('ROLE_INVALID');
    expect(err(await put('x', { name: 'y', objects: {} })).details.problems[0].path).toBe('/name');
    const good = await put('sales_rep', {
      label: { 'zh-CN': '销售代表', en: 'Sales rep' },
      objects: { deal: { create: true, read: 'department_and_below', update: 'own', fields: { cost: 'hidden' } }, '*': { read: 'own' } },
    });
    expect(good.statusCode).toBe(200);
    expect((await s.as(w.admin, { url: `${w.base}/access/roles` })).json().roles.map((r: { name: string }) => r.name)).toEqual(['sales_rep']);
    expect(err(await s.as(w.sessions.alice, { url: `${w.base}/access/roles` })).code).toBe('FORBIDDEN');
    expect(err(await s.as(w.admin, { url: `${w.base}/access/roles/nope` })).code).toBe('ROLE_NOT_FOUND');
  });

  it('assigns roles, tells a member what they may do, and applies a change at once', async () => {
    const assign = (roles: unknown) => s.as(w.admin, { method: 'PUT', url: `${w.base}/access/users/${w.ids.alice}/roles`, payload: { roles } });
    expect(err(await assign(['sales_rep', 'ghost'])).code).toBe('ROLE_NOT_FOUND');
    expect((await assign(['sales_rep'])).json().roles).toEqual(['sales_rep']);
    const me = (await s.as(w.sessions.alice, { url: `${w.base}/access/me` })).json();
    expect(me).toMatchObject({ admin: false, designer: false, roles: ['sales_rep'] });
    expect(me.objects.deal).toMatchObject({ create: true, read: true, update: true, delete: false, export: false });
    expect(me.objects.deal.fields).toMatchObject({ title: 'edit', cost: 'hidden', margin: 'hidden' });
    expect(me.objects.lead).toMatchObject({ create: false, read: true, update: false });
    expect((await s.as(w.sessions.alice, { url: `${w.base}/objects/deal/records` })).statusCode).toBe(200);
    await s.as(w.admin, { method: 'DELETE', url: `${w.base}/access/roles/sales_rep` });
    expect(err(await s.as(w.sessions.alice, { url: `${w.base}/objects/deal/records` })).code).toBe('FORBIDDEN');
    // A member with no role sees no object's records.
    expect(err(await s.as(w.sessions.bob, { url: `${w.base}/objects/lead/records` })).code).toBe('FORBIDDEN');
  });

  it('lets only admins and designer roles edit metadata', async () => {
    const draft = () => s.as(w.sessions.carol, { url: `${w.base}/metadata/draft` });
    expect(err(await draft()).code).toBe('FORBIDDEN');
    await w.putRole({ name: 'designer', label: '设计者', designer: true, objects: {} });
    await w.assign('carol', ['designer']);
    expect((await draft()).statusCode).toBe(200);
    expect((await s.as(w.sessions.carol, { url: `${w.base}/access/me` })).json().designer).toBe(true);
    // The designer picks roles (approvers, who may use a button) by name and label; their rights stay the admins'.
    const names = await s.as(w.sessions.carol, { url: `${w.base}/access/role-names` });
    expect(names.statusCode, names.body).toBe(200);
    const all = (await s.as(w.admin, { url: `${w.base}/access/roles` })).json().roles as { name: string; label: unknown }[];
    expect(names.json().roles).toEqual(all.map((r) => ({ name: r.name, label: r.label })));
    expect(names.json().roles.map((r: { name: string }) => r.name)).toContain('designer');
    expect(names.body).not.toContain('"objects"');
    expect(err(await s.as(w.sessions.carol, { url: `${w.base}/access/roles` })).code).toBe('FORBIDDEN');
    // A member who is no designer reads neither.
    expect(err(await s.as(w.sessions.bob, { url: `${w.base}/access/role-names` })).code).toBe('FORBIDDEN');
  });

  it('gives a member holding several roles their union: scopes OR-ed, the most open field access', async () => {
    await w.putRole({ name: 'own_deals_secret', objects: { deal: { read: 'own', fields: { cost: 'hidden', secret_note: 'read' } } } });
    await w.putRole({ name: 'team_deals', objects: { deal: { read: 'department', fields: { cost: 'read', secret_note: 'hidden' } } } });
    const carolDeal = await w.create('deal', 'carol', { title: 'carol deal', cost: 5, secret_note: 'n' });
    const aliceDeal = await w.create('deal', 'alice', { title: 'alice deal', cost: 6, secret_note: 'm' });
    const bobDeal = await w.create('deal', 'bob', { title: 'bob deal', cost: 7, secret_note: 'o' });
    const ids = async () => {
      const res = (await s.as(w.sessions.alice, { url: `${w.base}/objects/deal/records?sort=title` })).json();
      return res.records.map((r: { id: string }) => r.id);
    };
    await w.assign('alice', ['own_deals_secret']);
    expect(await ids()).toEqual([aliceDeal.id]);
    await w.assign('alice', ['own_deals_secret', 'team_deals']);
    // Department (alice, bob) ∪ own; carol is in another department.
    expect(await ids()).toEqual([aliceDeal.id, bobDeal.id]);
    expect(await ids()).not.toContain(carolDeal.id);
    const got = (await s.as(w.sessions.alice, { url: `${w.base}/objects/deal/records/${bobDeal.id}` })).json();
    expect(got).toMatchObject({ cost: 7, secret_note: 'o' });
  });

  it('needs the import permission to import, and create to create', async () => {
    const importUrl = `${w.base}/objects/lead/records/import`;
    const payload = { records: [{ title: '导入线索 1' }, { title: '导入线索 2' }] };
    await w.putRole({ name: 'lead_maker', objects: { lead: { create: true, read: 'own' } } });
    await w.putRole({ name: 'lead_importer', objects: { lead: { import: true, read: 'own' } } });
    await w.assign('bob', ['lead_maker']);
    expect((await s.as(w.sessions.bob, { method: 'POST', url: importUrl, payload })).json().error.code).toBe('FORBIDDEN');
    await w.assign('bob', ['lead_importer']);
    const imported = await s.as(w.sessions.bob, { method: 'POST', url: importUrl, payload });
    expect(imported.statusCode).toBe(201);
    expect(imported.json().created).toBe(2);
    expect((await s.as(w.sessions.bob, { method: 'POST', url: `${w.base}/objects/lead/records`, payload: { title: 'x' } })).json().error.code).toBe(
      'FORBIDDEN',
    );
    // All or none: one bad record refuses the whole import.
    const bad = await s.as(w.sessions.bob, { method: 'POST', url: importUrl, payload: { records: [{ title: 'ok' }, { region: 'no title' }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.index).toBe(1);
    expect((await s.as(w.sessions.bob, { url: `${w.base}/objects/lead/records?count=true` })).json().total).toBe(2);
  });

  it('applies an organisation change to data scopes at once', async () => {
    await w.putRole({ name: 'team', objects: { lead: { read: 'department' } } });
    await w.assign('dave', ['team']);
    const lead = await w.create('lead', 'alice', { title: 'alice lead' });
    const get = () => s.as(w.sessions.dave, { url: `${w.base}/objects/lead/records/${lead.id}` });
    expect((await get()).statusCode).toBe(404);
    const moved = await s.as(w.admin, { method: 'PATCH', url: `${w.base}/org/members/${w.ids.dave}`, payload: { departmentIds: [w.departments.east] } });
    expect(moved.statusCode, moved.body).toBe(200);
    const res = await get();
    expect(res.statusCode, res.body).toBe(200);
  });
});
