import type { Engine, TenantEngine } from '@tangram/engine';

/** The demo roles: what a CRM tenant typically starts with (see docs/guides/permissions.md). */
export const demoRoles = [
  {
    name: 'sales_rep',
    label: { 'zh-CN': '销售代表', en: 'Sales rep' },
    objects: {
      account: { create: true, read: 'own', update: 'own', transfer: 'own' },
      contact: { create: true, read: 'own', update: 'own', delete: 'own' },
      opportunity: { create: true, read: 'own', update: 'own', delete: 'own', transfer: 'own', fields: { probability: 'read' } },
    },
  },
  {
    name: 'sales_manager',
    label: { 'zh-CN': '销售经理', en: 'Sales manager' },
    objects: {
      '*': {
        create: true,
        import: true,
        read: 'department_and_below',
        update: 'department_and_below',
        delete: 'department_and_below',
        export: 'department_and_below',
        transfer: 'department_and_below',
      },
    },
  },
  {
    name: 'finance',
    label: { 'zh-CN': '财务', en: 'Finance' },
    objects: {
      account: { read: 'all', export: 'all' },
      contact: { read: 'all', fields: { mobile: 'hidden', email: 'hidden' } },
      opportunity: { read: { rule: { '==': [{ var: 'stage' }, 'won'] } }, export: 'all', fields: { probability: 'hidden' } },
    },
  },
] as const;

/** The demo members: email, name, department key, position, roles. */
const members = [
  ['zhou@demo.tangram.local', '周总监', 'sales', '销售总监', ['sales_manager']],
  ['wang@demo.tangram.local', '王东', 'east', '销售代表', ['sales_rep']],
  ['li@demo.tangram.local', '李南', 'south', '销售代表', ['sales_rep']],
  ['chen@demo.tangram.local', '陈会计', 'finance', '会计', ['finance']],
] as const;

/**
 * The demo organisation: 总部 → 销售部 (华东大区, 华南大区) and 财务部, four members with roles,
 * and the demo records handed to the two reps so that scopes show. Members sign in with `password`.
 */
export async function seedDemoOrg(engine: Engine, tenant: TenantEngine, password: string, actor: string): Promise<string[]> {
  const org = tenant.org;
  const hq = await org.createDepartment({ name: '总部' });
  const sales = await org.createDepartment({ name: '销售部', parentId: hq.id });
  const departments = {
    sales,
    east: await org.createDepartment({ name: '华东大区', parentId: sales.id }),
    south: await org.createDepartment({ name: '华南大区', parentId: sales.id }),
    finance: await org.createDepartment({ name: '财务部', parentId: hq.id }),
  };
  for (const role of demoRoles) await tenant.access.putRole(role.name, role, actor);
  const ids: Record<string, string> = {};
  for (const [email, name, dept, position, roles] of members) {
    const user = (await engine.identity.findUserByEmail(email)) ?? (await engine.identity.createUser({ email, name, password }));
    await engine.identity.addMember(tenant.tenant, user, 'member');
    await org.updateMember(user.id, { departmentIds: [departments[dept].id], position });
    await tenant.access.setUserRoles(user.id, [...roles]);
    ids[email] = user.id;
  }
  const manager = ids['zhou@demo.tangram.local'] as string;
  await org.updateDepartment(sales.id, { headId: manager });
  const reps = [ids['wang@demo.tangram.local'], ids['li@demo.tangram.local']] as string[];
  for (const rep of reps) await org.updateMember(rep, { managerId: manager });
  // Accounts alternate between the two reps; their contacts and opportunities follow.
  const accounts = (await tenant.records.query('account', { limit: 100, sort: [{ field: 'created_at' }] })).records;
  for (const [i, account] of accounts.entries()) {
    const to = reps[i % reps.length] as string;
    const related = (object: string) => tenant.records.query(object, { filter: { '==': [{ var: 'account' }, account.id] }, limit: 100, fields: ['id'] });
    const ids = [account.id];
    await tenant.records.transfer('account', { ids, to }, { actor });
    for (const object of ['contact', 'opportunity']) {
      const recs = (await related(object)).records.map((r) => r.id);
      if (recs.length) await tenant.records.transfer(object, { ids: recs, to }, { actor });
    }
  }
  return members.map((m) => m[0]);
}
