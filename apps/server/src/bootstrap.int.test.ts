import { Engine } from '@tangram/engine';
import { openTestDatabase } from '@tangram/engine/testing';
import { describe, expect, it } from 'vitest';
import { type BootstrapResult, bootstrap } from './bootstrap';
import { demoMembers } from './demo/org';

class Killed extends Error {}

/** What a finished first start leaves: departments, members with their roles, packages, records per object. */
async function state(engine: Engine) {
  const tenant = await engine.tenant('demo');
  const model = await tenant.model();
  const counts: Record<string, number> = {};
  for (const om of model.byName.values()) counts[om.name] = (await tenant.records.query(om.name, { limit: 1, count: true })).total ?? -1;
  const ids = await Promise.all(demoMembers.map(async (e) => (await engine.identity.findUserByEmail(e))?.id as string));
  const roles = await tenant.access.rolesOf(ids);
  return {
    departments: (await tenant.org.departments()).map((d) => d.name).sort(),
    members: Object.fromEntries(demoMembers.map((e, i) => [e, roles.get(ids[i] as string) ?? []])),
    packages: (await tenant.templates.installed()).map((p) => `${p.name}@${p.version}`),
    counts,
  };
}

async function signsIn(engine: Engine, email: string, password: string): Promise<boolean> {
  return engine.identity.login(email, password).then(
    () => true,
    () => false,
  );
}

// Each case loads the CRM with its sample data on PGlite: minutes on a loaded machine (see vitest.config.ts).
describe('first start is one resumable unit', () => {
  it('finishes, after a kill at any point, with what an uninterrupted first start gives', async () => {
    // The uninterrupted first start, and the points it passes.
    const reference = await Engine.attach(await openTestDatabase('pglite'));
    const points: string[] = [];
    await bootstrap(reference, {}, { step: (p) => points.push(p) });
    const want = await state(reference);
    await reference.close();
    expect(points.length).toBeGreaterThan(5);
    expect(Object.values(want.members).every((r) => r.length > 0)).toBe(true);

    // One installation killed at every point in turn: each start resumes what the one before left.
    const engine = await Engine.attach(await openTestDatabase('pglite'));
    let last: BootstrapResult | undefined;
    for (const point of points) {
      await expect(
        bootstrap(
          engine,
          {},
          {
            step: (p) => {
              if (p === point) throw new Killed(p);
            },
          },
        ),
      ).rejects.toBeInstanceOf(Killed);
    }
    last = await bootstrap(engine, {});
    // The password made before the kills was never shown: the finishing start sets and shows its own.
    expect(last.admin).toMatchObject({ created: true, password: expect.any(String) });
    const password = last.admin.password as string;
    expect(await state(engine)).toEqual(want);
    expect(await signsIn(engine, 'admin@tangram.local', password)).toBe(true);
    for (const email of demoMembers) expect({ email, ok: await signsIn(engine, email, password) }).toEqual({ email, ok: true });

    // Once whole, later starts change nothing and show no password.
    last = await bootstrap(engine, {});
    expect(last.admin).toEqual({ email: 'admin@tangram.local', created: false });
    expect(last.demo.created).toBe(false);
    expect(await signsIn(engine, 'admin@tangram.local', password)).toBe(true);
    expect(await state(engine)).toEqual(want);
    await engine.close();
  });

  it('repairs an installation set up before steps were recorded: members left without roles get theirs', async () => {
    const engine = await Engine.attach(await openTestDatabase('pglite'));
    await bootstrap(engine, { TANGRAM_ADMIN_PASSWORD: 'an old password' });
    const want = await state(engine);
    const tenant = await engine.tenant('demo');
    // As an older version left it when killed between loading the CRM and giving roles.
    const wang = (await engine.identity.findUserByEmail('wang@demo.tangram.local'))?.id as string;
    await tenant.access.setUserRoles(wang, []);
    await engine.database.db.withSchema('platform').deleteFrom('setup_step').execute();
    // A role an admin changed since is kept.
    const zhao = (await engine.identity.findUserByEmail('zhao@demo.tangram.local'))?.id as string;
    await tenant.access.setUserRoles(zhao, ['sales_rep']);

    const result = await bootstrap(engine, {});
    expect(result.admin).toEqual({ email: 'admin@tangram.local', created: false });
    expect(await signsIn(engine, 'admin@tangram.local', 'an old password')).toBe(true);
    const got = await state(engine);
    expect(got.members['wang@demo.tangram.local']).toEqual(want.members['wang@demo.tangram.local']);
    expect(got.members['zhao@demo.tangram.local']).toEqual(['sales_rep']);
    await engine.close();
  });
});
