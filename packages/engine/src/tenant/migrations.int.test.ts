import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Db } from '../db/database';
import { openDatabase } from '../db/database';
import { appliedMigrations } from '../db/migrate';
import { backends, dropSchema, openTestDatabase, postgresUrl, uniqueSchemaName } from '../testing/databases';
import { type TestTenant, setupTenant } from '../testing/engine';
import { legacyCreateSystemTables, legacyEnsureIdentityTables, legacyEnsurePlatform } from './legacy-ddl.fixture';
import { migratePlatform, platformMigrations } from './platform-migrations';
import { migrateTenant, tenantMigrations } from './tenant-migrations';

interface Catalogue {
  columns: string[];
  constraints: string[];
  indexes: string[];
}

/**
 * Everything about a schema's tables that a migration could get wrong: each column (position,
 * type, length/precision, nullability, default), each constraint (kind and definition) and each
 * index (definition), with the schema's own name replaced so two schemas compare.
 */
async function catalogue(db: Db, schema: string, opts: { positions?: boolean } = {}): Promise<Catalogue> {
  const own = (text: string | null) => (text ?? '').split(`"${schema}".`).join('S.').split(`${schema}.`).join('S.');
  const columns = await sql<Record<string, unknown>>`
    select table_name, column_name, ordinal_position, data_type, udt_name, character_maximum_length, numeric_precision,
      numeric_scale, datetime_precision, is_nullable, column_default, is_identity
    from information_schema.columns where table_schema = ${schema}`.execute(db);
  const constraints = await sql<{ t: string; name: string; type: string; def: string }>`
    select c.conrelid::regclass::text as t, c.conname as name, c.contype as type, pg_get_constraintdef(c.oid) as def
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace where n.nspname = ${schema}`.execute(db);
  const indexes = await sql<{ t: string; name: string; def: string }>`
    select tablename as t, indexname as name, indexdef as def from pg_indexes where schemaname = ${schema}`.execute(db);
  return {
    columns: columns.rows
      .map(({ ordinal_position, column_default, ...c }) =>
        JSON.stringify({ ...c, column_default: own(column_default as string | null), ...(opts.positions === false ? {} : { ordinal_position }) }),
      )
      .sort(),
    constraints: constraints.rows.map((c) => own(`${c.t} ${c.name} ${c.type} ${c.def}`)).sort(),
    indexes: indexes.rows.map((i) => own(`${i.t} ${i.name} ${i.def}`)).sort(),
  };
}

const baselineOnly = Object.keys(tenantMigrations('x'));

describe.each(await backends())('tenant migrations on %s', (backend) => {
  let database: Database;
  const schemas: string[] = [];
  const schema = (prefix: string) => {
    const s = uniqueSchemaName(prefix);
    schemas.push(s);
    return s;
  };
  beforeAll(async () => {
    database = await openTestDatabase(backend);
    await migratePlatform(database.db);
  });
  afterAll(async () => {
    for (const s of schemas) await dropSchema(database.db, s);
    await database.close();
  });

  it('bring a tenant created by the code before migrations to exactly the shape of a new one', async () => {
    const db = database.db;
    const fresh = schema('mig_new');
    expect(await migrateTenant(db, fresh)).toEqual(baselineOnly);
    const old = schema('mig_old');
    await sql`create schema ${sql.id(old)}`.execute(db);
    await legacyCreateSystemTables(db, old);
    expect(await appliedMigrations(db, old)).toBeUndefined();
    expect(await migrateTenant(db, old)).toEqual(baselineOnly);
    expect(await appliedMigrations(db, old)).toEqual(baselineOnly);
    const shape = await catalogue(db, fresh);
    // The comparison sees what it must: every table's columns, constraints and indexes.
    expect(shape.columns.length).toBeGreaterThan(80);
    expect(shape.constraints.join('\n')).toMatch(/_record_share _record_share_unique u UNIQUE NULLS NOT DISTINCT/);
    expect(shape.constraints.join('\n')).toMatch(/_user _user_manager_id_fkey f FOREIGN KEY \(manager_id\) REFERENCES S\._user\(id\) ON DELETE SET NULL/);
    expect(shape.indexes.join('\n')).toMatch(
      /_department _department_path CREATE INDEX _department_path ON S\._department USING btree \(path text_pattern_ops\)/,
    );
    expect(await catalogue(db, old)).toEqual(shape);
  });

  it('bring a tenant of the first version (no organisation chart columns) to the same shape, department paths computed', async () => {
    const db = database.db;
    const fresh = schema('mig_new');
    await migrateTenant(db, fresh);
    const first = schema('mig_v1');
    await sql`create schema ${sql.id(first)}`.execute(db);
    await legacyCreateSystemTables(db, first);
    // The tables as the first version created them.
    await sql`drop table ${sql.id(first, '_user_department')}`.execute(db);
    await sql`alter table ${sql.id(first, '_department')} drop column head_id, drop column path, drop column sort`.execute(db);
    await sql`alter table ${sql.id(first, '_user')} drop column employee_no, drop column position, drop column manager_id`.execute(db);
    const [root, child] = [uuidv7(), uuidv7()];
    await db
      .withSchema(first)
      .insertInto('_department')
      .values([
        { id: root, name: '总部' },
        { id: child, name: '销售部', parent_id: root },
      ])
      .execute();
    await migrateTenant(db, first);
    // Columns added later sit at the end of their table: all else is the same.
    expect(await catalogue(db, first, { positions: false })).toEqual(await catalogue(db, fresh, { positions: false }));
    const paths = await db.withSchema(first).selectFrom('_department').select(['id', 'path']).orderBy('path').execute();
    expect(paths).toEqual([
      { id: root, path: `/${root}/` },
      { id: child, path: `/${root}/${child}/` },
    ]);
  });

  it('run twice is a no-op', async () => {
    const db = database.db;
    const s = schema('mig_twice');
    await migrateTenant(db, s);
    const before = await catalogue(db, s);
    expect(await migrateTenant(db, s)).toEqual([]);
    expect(await appliedMigrations(db, s)).toEqual(baselineOnly);
    expect(await catalogue(db, s)).toEqual(before);
  });

  it('two processes migrating one schema at once both succeed, and it is migrated once', async () => {
    // A second database handle is a second process's pool (on PGlite the same embedded database cannot be shared: one handle).
    const other = backend === 'postgres' ? await openTestDatabase(backend) : database;
    try {
      const fresh = schema('mig_race');
      const old = schema('mig_race_old');
      await sql`create schema ${sql.id(old)}`.execute(database.db);
      await legacyCreateSystemTables(database.db, old);
      const ran = await Promise.all([
        migrateTenant(database.db, fresh),
        migrateTenant(other.db, fresh),
        migrateTenant(database.db, old),
        migrateTenant(other.db, old),
      ]);
      expect([...ran[0], ...ran[1]]).toEqual(baselineOnly);
      expect([...ran[2], ...ran[3]]).toEqual(baselineOnly);
      expect(await appliedMigrations(database.db, fresh)).toEqual(baselineOnly);
      expect(await catalogue(database.db, old)).toEqual(await catalogue(database.db, fresh));
    } finally {
      if (other !== database) await other.close();
    }
  });
});

describe.each(await backends())('platform migrations on %s', (backend) => {
  /** A database of its own (the platform schema is one per database): a PGlite, or a new database on the server. */
  async function ownDatabase(): Promise<Database> {
    if (backend === 'pglite') return openDatabase();
    const name = uniqueSchemaName('tangram_mig');
    const admin = await openTestDatabase(backend, 1);
    await sql`create database ${sql.id(name)}`.execute(admin.db);
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    const database = await openDatabase({ url: url.toString(), poolSize: 2 });
    return {
      ...database,
      async close() {
        await database.close();
        await sql`drop database if exists ${sql.id(name)}`.execute(admin.db);
        await admin.close();
      },
    };
  }

  it('bring a platform schema created by the code before migrations to exactly the shape of a new one', async () => {
    const legacy = await ownDatabase();
    const fresh = await ownDatabase();
    try {
      await legacyEnsurePlatform(legacy.db);
      await legacyEnsureIdentityTables(legacy.db);
      // The baseline fills in what the old code made; the migrations after it run as on a new schema.
      expect(await migratePlatform(legacy.db)).toEqual(Object.keys(platformMigrations));
      expect(await migratePlatform(fresh.db)).toEqual(Object.keys(platformMigrations));
      expect(await migratePlatform(fresh.db)).toEqual([]);
      const shape = await catalogue(fresh.db, 'platform');
      expect(shape.constraints.join('\n')).toMatch(/api_token_tenant_id_fkey f FOREIGN KEY \(tenant_id\) REFERENCES S\.tenant\(id\) ON DELETE CASCADE/);
      expect(await catalogue(legacy.db, 'platform')).toEqual(shape);
    } finally {
      await legacy.close();
      await fresh.close();
    }
  });
});

describe.each(await backends())('an older tenant opened by the engine on %s', (backend) => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await setupTenant(backend);
  });
  afterAll(() => t.close());

  it('is migrated on first use and works', async () => {
    const s = t.tenant.tenant.schema;
    const db = t.engine.db;
    // As the code before migrations left it: first-version tables, no migration records.
    await sql`drop table ${sql.id(s, '_migration')}, ${sql.id(s, '_migration_lock')}`.execute(db);
    // Tables of migrations after the baseline did not exist then either.
    await sql`drop table ${sql.id(s, '_notification')}, ${sql.id(s, '_notification_preference')}`.execute(db);
    await sql`drop table ${sql.id(s, '_user_department')}`.execute(db);
    await sql`alter table ${sql.id(s, '_department')} drop column head_id, drop column path, drop column sort`.execute(db);
    await sql`alter table ${sql.id(s, '_user')} drop column employee_no, drop column position, drop column manager_id`.execute(db);
    const [root, child] = [uuidv7(), uuidv7()];
    await db
      .withSchema(s)
      .insertInto('_department')
      .values([
        { id: root, name: '总部' },
        { id: child, name: '销售部', parent_id: root },
      ])
      .execute();
    expect(await t.engine.migrate()).toBeGreaterThan(0);
    expect(await appliedMigrations(db, s)).toEqual(baselineOnly);
    expect((await t.tenant.org.department(child)).path).toEqual([root, child]);
    expect((await t.tenant.org.departmentsAndBelow([root])).sort()).toEqual([root, child].sort());
    const u = uuidv7();
    await db.withSchema(s).insertInto('_user').values({ id: u, name: '老员工' }).execute();
    expect(await t.tenant.org.updateMember(u, { departmentIds: [child], position: '经理' })).toMatchObject({ position: '经理', primaryDepartmentId: child });
  });
});
