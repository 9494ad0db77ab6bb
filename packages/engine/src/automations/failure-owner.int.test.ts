import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { Engine, type TenantEngine } from '../engine';
import { ManualClock } from '../jobs/clock';
import { backends, openTestDatabase } from '../testing/databases';

// A run that fails for good tells the automation's owner (a member, not an admin), as well as the tenant's admins.
describe.each(await backends())('the owner of an automation hears of its failed runs on %s', (backend) => {
  let database: Database;
  let engine: Engine;
  let t: TenantEngine;
  const clock = new ManualClock('2031-06-01T08:00:00Z');
  const people: Record<'owner' | 'bystander' | 'admin', string> = { owner: '', bystander: '', admin: '' };

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    engine = await Engine.attach(database, { revisionCheckMs: 0, clock });
    t = await engine.createTenant(`own${Date.now().toString(36)}${randomBytes(3).toString('hex')}`);
    const suffix = randomBytes(3).toString('hex');
    for (const name of Object.keys(people) as (keyof typeof people)[]) {
      const u = await engine.identity.createUser({ email: `${name}-${suffix}@owner.test.local`, name, password: 'owner test password' });
      await engine.identity.addMember(t.tenant, u, name === 'admin' ? 'admin' : 'member');
      people[name] = u.id;
    }
    await t.schema.publish({
      objects: [{ name: 'deal', fields: [{ name: 'title', type: 'text', required: true }] }],
      automations: [
        {
          name: 'post_to_metadata',
          object: 'deal',
          owner: people.owner,
          trigger: { kind: 'record.updated' },
          actions: [{ id: 'hook', kind: 'webhook', url: 'http://169.254.169.254/latest/meta-data' }],
        },
      ],
    });
  });

  afterAll(async () => {
    if (backend === 'postgres') {
      await sql`drop schema if exists ${sql.id(t.tenant.schema)} cascade`.execute(database.db);
      await database.db.withSchema('platform').deleteFrom('tenant').where('id', '=', t.tenant.id).execute();
      await database.db.withSchema('platform').deleteFrom('user').where('email', 'like', '%@owner.test.local').execute();
    }
    await engine.close();
  });

  it('keeps the owner in the published metadata, and refuses an owner that is not a user id', async () => {
    expect((await t.model()).app.automations[0]?.owner).toBe(people.owner);
    await expect(
      t.schema.plan({
        objects: [{ name: 'deal', fields: [{ name: 'title', type: 'text', required: true }] }],
        automations: [
          {
            name: 'x',
            object: 'deal',
            owner: 'alice',
            trigger: { kind: 'record.updated' },
            actions: [{ id: 'n', kind: 'notify', to: [{ kind: 'owner' }], title: 't' }],
          },
        ],
      }),
    ).rejects.toMatchObject({ code: 'METADATA_INVALID', details: { problems: [expect.objectContaining({ path: '/automations/0/owner' })] } });
  });

  it('the owner and the admins get one notice each; nobody else', async () => {
    const deal = await t.records.create('deal', { title: '失败的推送' });
    await t.records.update('deal', deal.id, { title: '失败的推送 2' });
    for (let i = 0; i < 7; i++) {
      await engine.jobs.runDue();
      clock.advance(7_200_000);
    }
    const failed = async (who: string) => (await t.notifications.list(who, {})).notifications.filter((n) => n.kind === 'automation.failed');
    for (const who of [people.owner, people.admin]) {
      const mine = await failed(who);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ source: { type: 'automation', id: 'post_to_metadata' }, link: { object: 'deal', recordId: deal.id } });
      expect(mine[0]?.body).toMatch(/OUTBOUND_ADDRESS_REFUSED/);
    }
    expect(await failed(people.bystander)).toEqual([]);
  });
});
