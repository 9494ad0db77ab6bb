import type { Engine, TenantEngine } from '@tangram/engine';

/** The demo members: email, name, department key, position, the CRM template roles they hold. */
const members = [
  ['zhou@demo.tangram.local', '周总监', 'sales', '销售总监', ['sales_manager']],
  ['wang@demo.tangram.local', '王东', 'east', '销售代表', ['sales_rep']],
  ['li@demo.tangram.local', '李南', 'south', '销售代表', ['sales_rep']],
  ['chen@demo.tangram.local', '陈会计', 'finance', '会计', ['finance']],
  ['zhao@demo.tangram.local', '赵客服', 'service', '客服专员', ['service']],
] as const;

export const demoMembers = members.map((m) => m[0]);

/**
 * The demo organisation: 总部 → 销售部 (华东大区, 华南大区), 财务部 and 客服部, with five members
 * who sign in with `password`. Created before the CRM sample data is loaded, so its records go
 * to the members named in it (`$owner`); `assignDemoRoles` gives them their roles afterwards.
 */
export async function createDemoOrg(engine: Engine, tenant: TenantEngine, password: string): Promise<Record<string, string>> {
  const org = tenant.org;
  const hq = await org.createDepartment({ name: '总部' });
  const sales = await org.createDepartment({ name: '销售部', parentId: hq.id });
  const departments = {
    sales,
    east: await org.createDepartment({ name: '华东大区', parentId: sales.id }),
    south: await org.createDepartment({ name: '华南大区', parentId: sales.id }),
    finance: await org.createDepartment({ name: '财务部', parentId: hq.id }),
    service: await org.createDepartment({ name: '客服部', parentId: hq.id }),
  };
  const ids: Record<string, string> = {};
  for (const [email, name, dept, position] of members) {
    const user = (await engine.identity.findUserByEmail(email)) ?? (await engine.identity.createUser({ email, name, password }));
    await engine.identity.addMember(tenant.tenant, user, 'member');
    await org.updateMember(user.id, { departmentIds: [departments[dept].id], position });
    ids[email] = user.id;
  }
  const manager = ids['zhou@demo.tangram.local'] as string;
  await org.updateDepartment(sales.id, { headId: manager });
  for (const rep of ['wang@demo.tangram.local', 'li@demo.tangram.local']) await org.updateMember(ids[rep] as string, { managerId: manager });
  return ids;
}

/** Gives the demo members their roles (which the CRM template installs). */
export async function assignDemoRoles(tenant: TenantEngine, ids: Record<string, string>): Promise<void> {
  const available = new Set((await tenant.access.roles()).map((r) => r.name));
  for (const [email, , , , roles] of members) {
    const id = ids[email];
    if (id)
      await tenant.access.setUserRoles(
        id,
        roles.filter((r) => available.has(r)),
      );
  }
}
