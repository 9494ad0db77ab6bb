import { fileURLToPath } from 'node:url';
import { resolveApp } from '@tangram/fields';
import { composeApp, installOrder, loadRegistry, same } from '@tangram/templates';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRole } from '../access/roles';
import { compileModel } from '../model/compile';
import { backends } from '../testing/databases';
import { type TestTenant, failure, setupTenant } from '../testing/engine';
import { ordersPackage } from '../testing/template-fixtures';

const root = fileURLToPath(new URL('../../../../templates', import.meta.url));
const registry = loadRegistry(root);

// Every package shipped in templates/ is checked here: its metadata with its dependencies as
// one app, its roles against that app, and (below) an install with its sample data.
describe('the bundled templates', () => {
  it('include core and crm', () => {
    expect([...registry.keys()]).toEqual(expect.arrayContaining(['core', 'crm']));
  });

  for (const [name, pkg] of registry)
    it(`${name}@${pkg.manifest.version}: metadata and roles are valid with its dependencies`, () => {
      const order = installOrder(name, (n) => registry.get(n));
      // A template author sees every problem with its path, not just "not valid".
      const explain = <T>(what: string, fn: () => T): T => {
        try {
          return fn();
        } catch (e) {
          throw new Error(`${what}: ${JSON.stringify((e as { details?: unknown }).details ?? String(e), null, 1).slice(0, 4000)}`);
        }
      };
      const app = explain('metadata', () => resolveApp(composeApp(order)));
      const model = compileModel(app, 1);
      for (const r of pkg.roles) explain(`role ${r.name}`, () => checkRole(r, model, r.name));
      for (const o of pkg.objects) expect(model.byName.has(o.name), o.name).toBe(true);
    });
});

describe.each(await backends())('installing core + crm with sample data on %s', (backend) => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await setupTenant(backend);
  });
  afterAll(() => t.close());

  it('installs, loads every sample record, and a stub package builds on core’s account and product', async () => {
    // Installed by someone: records naming no demo member are theirs, those with "$owner": null the pool's.
    // One demo member is here: a record about another ({ "$user": e-mail }, a person's target) is left out.
    const li = crypto.randomUUID();
    await t.engine.db.withSchema(t.tenant.tenant.schema).insertInto('_user').values({ id: li, name: '李娜', email: 'li@demo.tangram.local' }).execute();
    const result = await t.tenant.templates.install('crm', (n) => registry.get(n), { sampleData: true, actor: crypto.randomUUID() });
    expect(result.installed.map((p) => p.name)).toEqual(['core', 'crm']);
    const records = ['core', 'crm'].flatMap((p) => registry.get(p)?.data.flatMap((d) => d.records) ?? []);
    const aboutOthers = records.filter((r) => /"\$user":"(?!li@)/.test(JSON.stringify(r)));
    expect(aboutOthers.length).toBeGreaterThan(0);
    expect(result.records).toBe(records.length - aboutOthers.length);
    const targets = await t.tenant.records.query('sales_target', { filter: { '==': [{ var: 'target_type' }, 'user'] }, limit: 10 });
    expect(targets.records.map((r) => r.member)).toEqual([li]);
    const accounts = await t.tenant.records.query('account', { count: true, limit: 1 });
    expect(accounts.total).toBeGreaterThanOrEqual(200);
    // A package of its own that only depends on core (as ERP and OA will).
    const stub = ordersPackage('1.0.0', (p) => {
      p.manifest.data = [];
      p.data = [];
    });
    const stubResult = await t.tenant.templates.install('orders', (n) => (n === 'orders' ? stub : registry.get(n)));
    expect(stubResult.installed).toEqual([{ name: 'orders', version: '1.0.0', from: null }]);
    const account = accounts.records[0]!;
    const product = (await t.tenant.records.query('product', { limit: 1 })).records[0]!;
    const order = await t.tenant.records.create('sales_order', { account: account.id, product: product.id, qty: 2, stage: 'draft' });
    expect(order.account).toBe(account.id);
  });

  it('refuses to delete a role the installed app names (approvers, notifications, dashboards), and says where', async () => {
    // installed by the test above: the CRM's roles, workflows and dashboards
    const legal = await failure(t.tenant.access.deleteRole('legal'));
    expect(legal.code).toBe('ROLE_IN_USE');
    const places = (legal.details.problems as { path: string }[]).map((p) => p.path);
    // the contract approval's 法务与财务会签 step names it as an approver
    expect(
      places.some((p) => /^\/workflows\/\d+\/process\/nodes\/\d+\/approvers\/\d+$/.test(p)),
      places.join(),
    ).toBe(true);
    expect((legal.details.problems as { message: string }[])[0]?.message, JSON.stringify(legal.details.problems)).toMatch(
      /workflows "contract_approval", nodes "法务与财务会签"/,
    );
    const rep = await failure(t.tenant.access.deleteRole('sales_rep'));
    expect((rep.details.problems as { path: string }[]).map((p) => p.path)).toContain(
      `/dashboards/${(await t.tenant.model()).app.dashboards.findIndex((d) => d.name === 'my_numbers')}/roles`,
    );
    expect(await t.tenant.access.role('legal')).toMatchObject({ name: 'legal' });
    // a role nothing names goes
    await t.tenant.access.putRole('temporary', { objects: {} });
    await t.tenant.access.deleteRole('temporary');
    expect((await failure(t.tenant.access.role('temporary'))).code).toBe('ROLE_NOT_FOUND');
  });

  it('treats sample records as history: the CRM’s rules neither rewrite them nor act on them afterwards', async () => {
    await t.engine.jobs.runDue();
    const automations = (await t.tenant.model()).app.automations;
    expect(automations.length).toBeGreaterThan(20);
    for (const a of automations) expect(await t.tenant.automations.runs(a.id), a.name).toEqual([]);
    // As given in data/opportunity.json, not as the stage rules would set them at install time.
    const samples = registry.get('crm')?.data.find((d) => d.object === 'opportunity')?.records ?? [];
    const closed = samples.filter((r) => typeof r.closed_at === 'string');
    expect(closed.length).toBeGreaterThan(0);
    const stored = await t.tenant.records.query('opportunity', { filter: { '!=': [{ var: 'closed_at' }, null] }, limit: 500 });
    expect(stored.records.map((r) => new Date(r.closed_at as string).getTime()).sort()).toEqual(
      closed.map((r) => new Date(r.closed_at as string).getTime()).sort(),
    );
  });

  it('refuses duplicates by the CRM’s rules (查重): a company written another way, a mobile, an e-mail', async () => {
    const refused = async (object: string, rule: string, pick: (a: Record<string, unknown>) => Record<string, unknown>, filter: unknown = null) => {
      const [a, b] = (await t.tenant.records.query(object, { limit: 2, sort: [{ field: 'created_at', direction: 'asc' }], ...(filter ? { filter } : {}) }))
        .records;
      const e = await t.tenant.records.update(object, b!.id, pick(a!), { version: b!.version as number }).catch((x) => x);
      expect(e, `${object} ${rule}`).toMatchObject({ code: 'RECORD_DUPLICATE', details: { problems: [expect.objectContaining({ rule })] } });
    };
    await refused('account', 'dup_account_name', (a) => ({ name: String(a.name).replace('有限公司', '（中国）股份有限公司') }));
    await refused('account', 'dup_account_phone', (a) => ({ phone: String(a.phone).replace('-', ' ') }));
    await refused('contact', 'dup_contact_mobile', (a) => ({ mobile: `+86 ${String(a.mobile).replace(/^(\d{3})(\d{4})/, '$1-$2-')}` }));
    await refused('lead', 'dup_lead_email', (a) => ({ email: String(a.email).toUpperCase() }), { '!!': [{ var: 'email' }] });
  });

  it('puts the sample accounts and leads marked for the public pool (公海) there, owned by nobody, claimable', async () => {
    const pool = { '==': [{ var: 'owner_id' }, null] };
    for (const object of ['account', 'lead']) {
      const expected = [...registry.values()]
        .flatMap((p) => p.data.filter((d) => d.object === object).flatMap((d) => d.records))
        .filter((r) => r.$owner === null);
      expect(expected.length, object).toBeGreaterThan(0);
      const inPool = await t.tenant.records.query(object, { filter: pool, count: true, limit: 1 });
      expect(inPool.total, object).toBe(expected.length);
      const claimed = await t.tenant.records.claim(object, inPool.records[0]!.id, { actor: crypto.randomUUID() });
      expect(claimed.owner_id, object).not.toBeNull();
    }
  });

  it('exports core and crm back to packages that compose into the same app', async () => {
    const core = await t.tenant.templates.export('core');
    const crm = await t.tenant.templates.export('crm');
    const original = resolveApp(composeApp([registry.get('core')!, registry.get('crm')!]));
    const roundTrip = resolveApp(composeApp([core, crm]));
    for (const part of ['objects', 'forms', 'views', 'menu'] as const) expect(same(roundTrip[part], original[part]), part).toBe(true);
  });
});
