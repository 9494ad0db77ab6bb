import { randomBytes } from 'node:crypto';
import type { Engine } from '@tangram/engine';
import { assignDemoRoles, createDemoOrg, demoMembers } from './demo/org';
import { availableTemplates } from './templates-registry';

export interface BootstrapResult {
  admin: { email: string; password?: string; created: boolean };
  demo: { tenant: string; created: boolean; members?: string[]; records?: number };
}

/**
 * First start: creates the platform admin (TANGRAM_ADMIN_EMAIL / TANGRAM_ADMIN_PASSWORD, or a
 * generated password printed once) and the demo tenant: the core + CRM templates with their
 * sample data, and a demo organisation whose members hold the CRM roles and sign in with the
 * same password. Later starts change nothing.
 */
export async function bootstrap(engine: Engine, env: NodeJS.ProcessEnv = process.env, withDemo = true): Promise<BootstrapResult> {
  const email = env.TANGRAM_ADMIN_EMAIL ?? 'admin@tangram.local';
  let admin = await engine.identity.findUserByEmail(email);
  let password: string | undefined;
  if (!admin) {
    password = env.TANGRAM_ADMIN_PASSWORD ?? randomBytes(9).toString('base64url');
    admin = await engine.identity.createUser({ email, name: '管理员', password, platformAdmin: true });
  }
  const result: BootstrapResult = {
    admin: { email, created: password !== undefined, ...(password ? { password } : {}) },
    demo: { tenant: 'demo', created: false },
  };
  if (!withDemo) return result;
  const exists = (await engine.listTenants()).some((t) => t.slug === 'demo');
  const tenant = exists ? await engine.tenant('demo') : await engine.createTenant('demo', '演示企业');
  await engine.identity.addMember(tenant.tenant, admin, 'admin');
  if (!(await tenant.schema.current())) {
    const templates = availableTemplates();
    // Members first (when their password is known now), so the sample records go to them.
    const ids = password ? await createDemoOrg(engine, tenant, password) : {};
    const installed = await tenant.templates.install('crm', (n) => templates.get(n), { sampleData: true, actor: admin.id });
    await assignDemoRoles(tenant, ids);
    result.demo = { tenant: 'demo', created: true, records: installed.records, ...(password ? { members: demoMembers } : {}) };
  }
  return result;
}
