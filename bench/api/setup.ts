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

/** A fresh bench database: the Tangram tenant `bench` and the raw table, each with `rows` deals. */
export async function setupBench(): Promise<{ token: string; tangramIds: string[]; rawIds: string[] }> {
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
  const fill = (table: ReturnType<typeof sql.id>) =>
    sql`insert into ${table} (id, name, amount, stage, owner_name)
    select gen_random_uuid(), '客户 ' || g, round((random() * 1000000)::numeric, 2), 's' || (1 + g % 5), 'owner ' || (g % 50)
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
  const result = { token, tangramIds: await ids('tenant_bench'), rawIds: await ids('raw_bench') };
  await engine.close();
  return result;
}
