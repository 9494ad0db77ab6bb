import { randomBytes } from 'node:crypto';
import type { Engine } from '@tangram/engine';
import { assignDemoRoles, createDemoOrg, demoMemberIds, demoMembers } from './demo/org';
import { availableTemplates } from './templates-registry';

export interface BootstrapResult {
  admin: { email: string; password?: string; created: boolean };
  demo: { tenant: string; created: boolean; members?: string[]; records?: number };
}

export interface BootstrapOptions {
  withDemo?: boolean;
  /** Called after each unit of work (tests stop a first start there, as a kill -9 would). */
  step?: (name: string) => void;
}

/**
 * First start: creates the platform admin (TANGRAM_ADMIN_EMAIL / TANGRAM_ADMIN_PASSWORD, or a
 * generated password printed once) and the demo tenant: the core + CRM templates with their
 * sample data, and a demo organisation whose members hold the CRM roles and sign in with the
 * same password. Later starts change nothing.
 *
 * One resumable unit: every part is idempotent, and the installation records (platform.setup_step)
 * `started` first, then `admin` and `demo` only when they are whole. A start killed half-way is finished by the next one;
 * as the password generated then was never shown, the next one makes, sets and shows a new one.
 */
export async function bootstrap(engine: Engine, env: NodeJS.ProcessEnv = process.env, opts: BootstrapOptions = {}): Promise<BootstrapResult> {
  const { withDemo = true, step = () => {} } = opts;
  const email = env.TANGRAM_ADMIN_EMAIL ?? 'admin@tangram.local';
  const done = await engine.setupSteps();
  let admin = await engine.identity.findUserByEmail(email);
  const result: BootstrapResult = { admin: { email, created: false }, demo: { tenant: 'demo', created: false } };
  if (!done.size && admin) {
    await repairEarlierSetup(engine);
    return result;
  }
  // Marks this installation as set up by this version before anything else is made.
  if (!done.size) await engine.markSetupSteps(['started']);
  let password: string | undefined;
  if (!done.has('admin')) {
    password = env.TANGRAM_ADMIN_PASSWORD ?? randomBytes(9).toString('base64url');
    if (admin) await engine.identity.setPassword(email, password);
    else admin = await engine.identity.createUser({ email, name: '管理员', password, platformAdmin: true });
    result.admin = { email, created: true, password };
    step('admin');
  }
  if (withDemo && !done.has('demo') && admin) {
    const exists = (await engine.listTenants()).some((t) => t.slug === 'demo');
    const tenant = exists ? await engine.tenant('demo') : await engine.createTenant('demo', '演示企业');
    await engine.identity.addMember(tenant.tenant, admin, 'admin');
    step('tenant');
    const templates = availableTemplates();
    // Members first (when their password is known now), so the sample records go to them.
    const ids = password ? await createDemoOrg(engine, tenant, password, step) : {};
    const installed = await tenant.templates.install('crm', (n) => templates.get(n), { sampleData: true, actor: admin.id });
    step('templates');
    await assignDemoRoles(tenant, ids);
    step('roles');
    result.demo = { tenant: 'demo', created: true, records: installed.records, ...(password ? { members: demoMembers } : {}) };
    // One statement: the admin's password and the members' are the one shown, or neither step is done.
    await engine.markSetupSteps(['admin', 'demo']);
  } else await engine.markSetupSteps(['admin']);
  return result;
}

/**
 * An installation set up before first-start steps were recorded: it may have been cut short
 * between loading the CRM and giving the demo members their roles. Members holding no role get
 * theirs; the admin's password is left alone (it was shown when it was made).
 */
async function repairEarlierSetup(engine: Engine): Promise<void> {
  if ((await engine.listTenants()).some((t) => t.slug === 'demo')) {
    const tenant = await engine.tenant('demo');
    if ((await tenant.templates.installed()).some((p) => p.name === 'crm')) {
      await assignDemoRoles(tenant, await demoMemberIds(engine), true);
      await engine.markSetupSteps(['demo']);
    }
  }
  await engine.markSetupSteps(['admin']);
}
