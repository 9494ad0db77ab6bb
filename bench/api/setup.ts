import { Engine } from '../../packages/engine/src/index';
import { sql } from 'kysely';
import pg from 'pg';

export const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const benchUrl = baseUrl.replace(/\/[^/]*$/, '/tangram_bench');
export const rows = Number(process.env.BENCH_ROWS ?? 100_000);

export const dealApp = {
  objects: [
    {
      name: 'deal',
      fields: [
        { name: 'name', type: 'text', required: true },
        { name: 'amount', type: 'currency' },
        { name: 'stage', type: 'select', options: { options: ['s1', 's2', 's3', 's4', 's5'].map((key) => ({ key })) } },
        { name: 'owner_name', type: 'text' },
      ],
      indexes: [{ fields: ['stage', 'amount'] }],
    },
  ],
};

/**
 * A fresh bench database: the Tangram tenant `bench` and the raw table, each with `rows` deals.
 * The tenant also gets an organisation (总部 → 5 regions → 2 branches each, 5 owners per branch;
 * deals spread evenly over the 50 owners) and a member whose role reads "department and below"
 * from one region: 10 of the 50 owners, a fifth of the deals.
 */
export async function setupBench(): Promise<{ token: string; memberToken: string; tangramIds: string[]; rawIds: string[] }> {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query('drop database if exists tangram_bench with (force)');
  await admin.query('create database tangram_bench');
  await admin.end();

  const engine = await Engine.open({ url: benchUrl });
  const tenant = await engine.createTenant('bench');
  await tenant.schema.publish(dealApp);
  const user = await engine.identity.createUser({ email: 'bench@tangram.local', name: 'bench', password: 'bench-password' });
  await engine.identity.addMember(tenant.tenant, user, 'admin');
  const { token } = await engine.identity.createToken(user, tenant.tenant, 'bench');
  const db = engine.db;

  const root = await tenant.org.createDepartment({ name: '总部' });
  const owners: string[] = [];
  let region1 = '';
  for (let r = 1; r <= 5; r++) {
    const region = await tenant.org.createDepartment({ name: `大区 ${r}`, parentId: root.id });
    if (r === 1) region1 = region.id;
    for (let b = 1; b <= 2; b++) {
      const branch = await tenant.org.createDepartment({ name: `分部 ${r}-${b}`, parentId: region.id });
      for (let u = 1; u <= 5; u++) {
        const id = crypto.randomUUID();
        owners.push(id);
        await db
          .withSchema('tenant_bench')
          .insertInto('_user')
          .values({ id, name: `销售 ${r}-${b}-${u}` })
          .execute();
        await db.withSchema('tenant_bench').insertInto('_user_department').values({ user_id: id, department_id: branch.id, is_primary: true }).execute();
      }
    }
  }
  const member = await engine.identity.createUser({ email: 'manager@tangram.local', name: '大区经理', password: 'bench-password' });
  await engine.identity.addMember(tenant.tenant, member, 'member');
  await tenant.org.updateMember(member.id, { departmentIds: [region1] });
  await tenant.access.putRole('region_manager', { objects: { deal: { read: 'department_and_below' } } });
  await tenant.access.setUserRoles(member.id, ['region_manager']);
  const { token: memberToken } = await engine.identity.createToken(member, tenant.tenant, 'bench member');

  const fill = (table: ReturnType<typeof sql.id>) =>
    sql`insert into ${table} (id, name, amount, stage, owner_name, owner_id)
    select gen_random_uuid(), '客户 ' || g, round((random() * 1000000)::numeric, 2), 's' || (1 + g % 5), 'owner ' || (g % 50),
      (${owners}::uuid[])[1 + (g / 5) % 50]
    from generate_series(1, ${rows}) g`.execute(db);
  await fill(sql.id('tenant_bench', 'deal'));

  await sql`create schema raw_bench`.execute(db);
  await sql`create table raw_bench.deal (
    id uuid primary key, created_at timestamptz(3) not null default now(), created_by uuid, updated_at timestamptz(3) not null default now(),
    updated_by uuid, owner_id uuid, version integer not null default 1, deleted_at timestamptz(3), deleted_by uuid,
    name text, amount numeric(18,2), stage text, owner_name text)`.execute(db);
  await sql`create index on raw_bench.deal (owner_id)`.execute(db);
  await sql`create index on raw_bench.deal (stage, amount)`.execute(db);
  await fill(sql.id('raw_bench', 'deal'));
  await sql`analyze`.execute(db);
  const ids = async (schema: string) =>
    (await sql<{ id: string }>`select id from ${sql.id(schema, 'deal')} order by random()`.execute(db)).rows.map((r) => r.id);
  const result = { token, memberToken, tangramIds: await ids('tenant_bench'), rawIds: await ids('raw_bench') };
  await engine.close();
  return result;
}
