import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../testing/databases';
import { type TestTenant, failure, setupTenant } from '../testing/engine';

describe.each(await backends())('the organisation on %s', (backend) => {
  let t: TestTenant;
  const users = { ceo: uuidv7(), vp: uuidv7(), rep: uuidv7() };
  beforeAll(async () => {
    t = await setupTenant(backend);
    await t.engine.db
      .withSchema(t.tenant.tenant.schema)
      .insertInto('_user')
      .values(Object.entries(users).map(([name, id]) => ({ id, name })))
      .execute();
  });
  afterAll(() => t.close());
  const org = () => t.tenant.org;

  it('builds a department tree with heads and finds a department and everything below it', async () => {
    const hq = await org().createDepartment({ name: '总部', headId: users.ceo });
    const sales = await org().createDepartment({ name: '销售部', parentId: hq.id, headId: users.vp });
    const east = await org().createDepartment({ name: '华东区', parentId: sales.id });
    const rd = await org().createDepartment({ name: '研发部', parentId: hq.id });
    expect(east.path).toEqual([hq.id, sales.id, east.id]);
    expect((await org().departmentsAndBelow([sales.id])).sort()).toEqual([sales.id, east.id].sort());
    expect((await org().departmentsAndBelow([hq.id])).sort()).toEqual([hq.id, sales.id, east.id, rd.id].sort());
    const moved = await org().updateDepartment(east.id, { parentId: rd.id, name: '华东研发' });
    expect(moved).toMatchObject({ name: '华东研发', parentId: rd.id, path: [hq.id, rd.id, east.id] });
    expect(await org().departmentsAndBelow([sales.id])).toEqual([sales.id]);
    expect((await failure(org().updateDepartment(hq.id, { parentId: east.id }))).code).toBe('VALIDATION_FAILED');
    expect((await failure(org().deleteDepartment(rd.id))).code).toBe('RECORD_REFERENCED');
    expect((await failure(org().createDepartment({ name: '', parentId: hq.id }))).code).toBe('VALIDATION_FAILED');
    expect((await failure(org().createDepartment({ name: 'x', headId: uuidv7() }))).code).toBe('RECORD_REFERENCE_INVALID');
  });

  it('gives members departments, a primary department, a position and a manager, refusing reporting loops', async () => {
    const [d1, d2] = await Promise.all([org().createDepartment({ name: '一部' }), org().createDepartment({ name: '二部' })]);
    const rep = await org().updateMember(users.rep, { departmentIds: [d1.id, d2.id], primaryDepartmentId: d2.id, position: '销售代表', managerId: users.vp });
    expect(rep).toMatchObject({ position: '销售代表', managerId: users.vp, primaryDepartmentId: d2.id, departmentIds: [d1.id, d2.id].sort() });
    await org().updateMember(users.vp, { managerId: users.ceo });
    expect(await org().managerChain(users.rep)).toEqual([users.vp, users.ceo]);
    expect(await org().subordinates(users.ceo)).toEqual([users.vp, users.rep].sort());
    expect((await failure(org().updateMember(users.ceo, { managerId: users.rep }))).code).toBe('VALIDATION_FAILED');
    expect((await failure(org().updateMember(users.rep, { primaryDepartmentId: uuidv7() }))).code).toBe('VALIDATION_FAILED');
    expect((await failure(org().updateMember(users.rep, { departmentIds: [uuidv7()] }))).code).toBe('RECORD_REFERENCE_INVALID');
    expect((await failure(org().deleteDepartment(d1.id))).code).toBe('RECORD_REFERENCED');
    await org().updateMember(users.rep, { departmentIds: [d2.id] });
    await org().deleteDepartment(d1.id);
    expect((await org().member(users.rep)).departmentIds).toEqual([d2.id]);
  });
});
