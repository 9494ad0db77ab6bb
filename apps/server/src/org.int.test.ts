import { backends } from '@tangram/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestServer, setupServer } from './testing/harness';

describe.each(await backends())('the organisation API on %s', (backend) => {
  let s: TestServer;
  let admin: Session;
  let base: string;
  beforeAll(async () => {
    s = await setupServer(backend);
    admin = await s.login(s.admin.email, s.admin.password);
    base = `/api/v1/t/${s.tenant}/org`;
  });
  afterAll(() => s.close());

  it('lets an admin build departments and place a member, and a member only read them', async () => {
    const hq = (await s.as(admin, { method: 'POST', url: `${base}/departments`, payload: { name: '总部' } })).json();
    const sales = await s.as(admin, { method: 'POST', url: `${base}/departments`, payload: { name: '销售部', parentId: hq.id } });
    expect(sales.statusCode).toBe(201);
    expect(sales.json().path).toEqual([hq.id, sales.json().id]);
    const m = (
      await s.as(admin, {
        method: 'POST',
        url: `/api/v1/t/${s.tenant}/members`,
        payload: { email: `rep@${s.domain}`, name: '小王', password: 'member password', role: 'member' },
      })
    ).json();
    const placed = await s.as(admin, {
      method: 'PATCH',
      url: `${base}/members/${m.user.id}`,
      payload: { departmentIds: [sales.json().id], position: '销售代表' },
    });
    expect(placed.json()).toMatchObject({ name: '小王', position: '销售代表', primaryDepartmentId: sales.json().id });
    const rep = await s.login(`rep@${s.domain}`, 'member password');
    expect((await s.as(rep, { url: `${base}/departments` })).json().departments.map((d: { name: string }) => d.name)).toEqual(['总部', '销售部']);
    expect((await s.as(rep, { url: `${base}/members/${m.user.id}` })).json()).toMatchObject({ managers: [], subordinates: [] });
    expect((await s.as(rep, { method: 'POST', url: `${base}/departments`, payload: { name: 'x' } })).json().error.code).toBe('FORBIDDEN');
    expect((await s.as(admin, { method: 'DELETE', url: `${base}/departments/${sales.json().id}` })).json().error.code).toBe('RECORD_REFERENCED');
    expect((await s.as(admin, { url: `${base}/members/not-a-uuid` })).json().error.code).toBe('VALIDATION_FAILED');
  });

  it('lists members by name for pickers; admins also see tenant and app roles', async () => {
    for (const [email, name] of [
      [`a.li@${s.domain}`, '李雷'],
      [`b.han@${s.domain}`, '韩梅梅'],
    ])
      await s.as(admin, { method: 'POST', url: `/api/v1/t/${s.tenant}/members`, payload: { email, name, password: 'member password', role: 'member' } });
    const all = (await s.as(admin, { url: `${base}/members?limit=500` })).json();
    expect(all.total).toBe(all.members.length);
    expect(all.members.map((m: { name: string }) => m.name)).toEqual(expect.arrayContaining(['李雷', '韩梅梅', 'Admin']));
    const found = (await s.as(admin, { url: `${base}/members?q=${encodeURIComponent('梅')}` })).json();
    expect(found).toMatchObject({ total: 1, members: [{ name: '韩梅梅', email: `b.han@${s.domain}`, tenantRole: 'member', roles: [] }] });
    // A literal % is searched for, not a wildcard.
    expect((await s.as(admin, { url: `${base}/members?q=%25` })).json().total).toBe(0);
    const li = (await s.login(`a.li@${s.domain}`, 'member password')) as Session;
    const seen = (await s.as(li, { url: `${base}/members?ids=${found.members[0].id}` })).json();
    expect(seen.members).toHaveLength(1);
    expect(seen.members[0]).not.toHaveProperty('roles');
    expect(seen.members[0]).not.toHaveProperty('tenantRole');
    expect((await s.as(admin, { url: `${base}/members?limit=0` })).json().error.code).toBe('VALIDATION_FAILED');
    expect((await s.as(admin, { url: `${base}/members?ids=nope` })).json().error).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
