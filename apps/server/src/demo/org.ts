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
 * Idempotent, so a first start cut short can run it again: departments are found by name under
 * their parent, members by e-mail (their password set to `password`, the one announced now).
 */
export async function createDemoOrg(
  engine: Engine,
  tenant: TenantEngine,
  password: string,
  step: (name: string) => void = () => {},
): Promise<Record<string, string>> {
  const org = tenant.org;
  const existing = await org.departments();
  const department = async (name: string, parentId?: string) =>
    existing.find((d) => d.name === name && d.parentId === (parentId ?? null)) ?? (await org.createDepartment({ name, ...(parentId ? { parentId } : {}) }));
  const hq = await department('总部');
  const sales = await department('销售部', hq.id);
  const departments = {
    sales,
    east: await department('华东大区', sales.id),
    south: await department('华南大区', sales.id),
    finance: await department('财务部', hq.id),
    service: await department('客服部', hq.id),
  };
  step('departments');
  const ids: Record<string, string> = {};
  for (const [email, name, dept, position] of members) {
    const found = await engine.identity.findUserByEmail(email);
    if (found) await engine.identity.setPassword(email, password);
    const user = found ?? (await engine.identity.createUser({ email, name, password }));
    await engine.identity.addMember(tenant.tenant, user, 'member');
    await org.updateMember(user.id, { departmentIds: [departments[dept].id], position });
    ids[email] = user.id;
    step(`member ${email}`);
  }
  const manager = ids['zhou@demo.tangram.local'] as string;
  await org.updateDepartment(sales.id, { headId: manager });
  for (const rep of ['wang@demo.tangram.local', 'li@demo.tangram.local']) await org.updateMember(ids[rep] as string, { managerId: manager });
  return ids;
}

/** The demo members who are members of the tenant, by e-mail (to repair their roles). */
export async function demoMemberIds(engine: Engine): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const email of demoMembers) {
    const user = await engine.identity.findUserByEmail(email);
    if (user) ids[email] = user.id;
  }
  return ids;
}

/**
 * Gives the demo members their roles (which the CRM template installs). With `onlyWithout`, only
 * members holding no role yet: repairing a start cut short keeps roles an admin has changed since.
 */
export async function assignDemoRoles(tenant: TenantEngine, ids: Record<string, string>, onlyWithout = false): Promise<void> {
  const available = new Set((await tenant.access.roles()).map((r) => r.name));
  const held = onlyWithout ? await tenant.access.rolesOf(Object.values(ids)) : new Map<string, string[]>();
  for (const [email, , , , roles] of members) {
    const id = ids[email];
    if (id && !held.get(id)?.length)
      await tenant.access.setUserRoles(
        id,
        roles.filter((r) => available.has(r)),
      );
  }
}
