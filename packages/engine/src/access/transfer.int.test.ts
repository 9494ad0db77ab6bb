import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../testing/databases';
import { type TestTenant, failure, setupTenant } from '../testing/engine';

const app = {
  objects: [
    { name: 'opportunity', fields: [{ name: 'title', type: 'text' }] },
    { name: 'visit', fields: [{ name: 'note', type: 'text' }] },
  ],
};

describe.each(await backends())('handing a leaving member’s records to another, on %s', (backend) => {
  let t: TestTenant;
  const leaver = uuidv7();
  const successor = uuidv7();
  const admin = uuidv7();
  const other = uuidv7();
  const q = (table: string) => sql.id(t.tenant.tenant.schema, table);
  const owned = async (table: string, owner: string) =>
    Number((await sql<{ n: number }>`select count(*)::int as n from ${q(table)} where owner_id = ${owner}`.execute(t.engine.db)).rows[0]?.n);
  const audited = async () =>
    Number((await sql<{ n: number }>`select count(*)::int as n from ${q('_audit')} where action = 'transfer'`.execute(t.engine.db)).rows[0]?.n);

  beforeAll(async () => {
    t = await setupTenant(backend);
    await t.engine.db
      .withSchema(t.tenant.tenant.schema)
      .insertInto('_user')
      .values([leaver, successor, admin, other].map((id, i) => ({ id, name: `u${i}` })))
      .execute();
    await t.tenant.schema.publish(app);
    // 10,000 opportunities and 500 visits owned by the leaver, a few by someone else.
    await sql`insert into ${q('opportunity')} (id, owner_id, title)
      select gen_random_uuid(), ${leaver}::uuid, 'opp ' || g from generate_series(1, 10000) g`.execute(t.engine.db);
    await sql`insert into ${q('visit')} (id, owner_id, note)
      select gen_random_uuid(), case when g <= 500 then ${leaver}::uuid else ${other}::uuid end, 'visit ' || g from generate_series(1, 520) g`.execute(
      t.engine.db,
    );
  });
  afterAll(() => t.close());

  it('is all or nothing: a failure on the last object leaves every record with its owner and no audit entry', async () => {
    // Make the second object's update fail, after the first object's 10,000 rows were moved.
    await sql`create function ${q('refuse_transfer')}() returns trigger language plpgsql as $$ begin raise exception 'refused by test'; end $$`.execute(
      t.engine.db,
    );
    await sql`create trigger refuse before update on ${q('visit')} for each row execute function ${q('refuse_transfer')}()`.execute(t.engine.db);
    await failure(t.tenant.records.transferAll({ from: leaver, to: successor }, { actor: admin }));
    expect(await owned('opportunity', leaver)).toBe(10_000);
    expect(await owned('visit', leaver)).toBe(500);
    expect(await audited()).toBe(0);
    await sql`drop trigger refuse on ${q('visit')}`.execute(t.engine.db);
  });

  it('moves 10,000 records in one transaction, each with an audit entry, an event and a new version', async () => {
    const started = Date.now();
    const moved = await t.tenant.records.transferAll({ from: leaver, to: successor }, { actor: admin, requestId: 'req-transfer' });
    const ms = Date.now() - started;
    expect(moved).toEqual({ opportunity: 10_000, visit: 500 });
    expect(await owned('opportunity', leaver)).toBe(0);
    expect(await owned('opportunity', successor)).toBe(10_000);
    expect(await owned('visit', other)).toBe(20);
    expect(await audited()).toBe(10_500);
    const versions = await sql<{ v: number; n: number }>`select version as v, count(*)::int as n from ${q('opportunity')} group by version`.execute(
      t.engine.db,
    );
    expect(versions.rows).toEqual([{ v: 2, n: 10_000 }]);
    const events = await sql<{
      n: number;
    }>`select count(*)::int as n from ${q('_outbox')} where event = 'record.transferred' and request_id = 'req-transfer'`.execute(t.engine.db);
    expect(events.rows[0]?.n).toBe(10_500);
    const sample = await sql<{ id: string }>`select id from ${q('opportunity')} limit 1`.execute(t.engine.db);
    const history = await t.tenant.records.history('opportunity', sample.rows[0]?.id as string);
    expect(history.at(-1)).toMatchObject({
      action: 'transfer',
      actor: admin,
      requestId: 'req-transfer',
      changes: { owner_id: { before: leaver, after: successor } },
    });
    console.log(`transfer of 10,500 records on ${backend}: ${ms} ms`);
  });

  it('refuses an unknown or missing new owner, and a call that names no records', async () => {
    expect((await failure(t.tenant.records.transferAll({ from: successor, to: uuidv7() }))).code).toBe('RECORD_REFERENCE_INVALID');
    expect((await failure(t.tenant.records.transferAll({ from: successor, to: 'x' }))).code).toBe('VALIDATION_FAILED');
    expect((await failure(t.tenant.records.transfer('opportunity', { to: leaver }))).code).toBe('VALIDATION_FAILED');
  });
});
