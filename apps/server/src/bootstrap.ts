import { randomBytes } from 'node:crypto';
import type { Engine } from '@tangram/engine';
import { demoApp } from './demo/demo-app';
import { seedDemoOrg } from './demo/org';
import { seedDemo } from './demo/seed';

export interface BootstrapResult {
  admin: { email: string; password?: string; created: boolean };
  demo: { tenant: string; created: boolean; members?: string[] };
}

/**
 * First start: creates the platform admin (TANGRAM_ADMIN_EMAIL / TANGRAM_ADMIN_PASSWORD, or a
 * generated password printed once) and the demo tenant with the demo app, its data and a demo
 * organisation (departments, members with roles) whose members sign in with the same password.
 * Later starts change nothing.
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
    await tenant.schema.publish(demoApp, { actor: admin.id, message: 'demo app' });
    await seedDemo(tenant, admin.id);
    // Demo members share the admin's password when it is known now (first start).
    if (password) result.demo.members = await seedDemoOrg(engine, tenant, password, admin.id);
    result.demo.created = true;
  }
  return result;
}
