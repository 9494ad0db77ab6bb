import { sql } from 'kysely';
import type { Db } from '../db/database';
import { createAccessTables } from '../access/tables';
import { createTemplateTables } from '../templates/tables';
import { createFileTables } from '../files/tables';

/**
 * Brings a tenant's system tables created by an earlier version up to date. Idempotent: every
 * step is "if not exists", so it runs safely on each start and from `tangram migrate`.
 */
export async function upgradeSystemTables(db: Db, schema: string): Promise<void> {
  const t = (name: string) => sql.id(schema, name);
  await db.transaction().execute(async (trx) => {
    // Two processes (or requests) upgrading the same tenant at once would race on "if not exists".
    await sql`select pg_advisory_xact_lock(hashtext(${`tangram.upgrade.${schema}`}))`.execute(trx);
    await sql`alter table ${t('_user')}
      add column if not exists employee_no text,
      add column if not exists position text,
      add column if not exists manager_id uuid references ${t('_user')}(id) on delete set null`.execute(trx);
    await sql`alter table ${t('_department')}
      add column if not exists head_id uuid references ${t('_user')}(id) on delete set null,
      add column if not exists path text,
      add column if not exists sort integer not null default 0`.execute(trx);
    await sql`create index if not exists ${sql.id('_department_path')} on ${t('_department')} (path text_pattern_ops)`.execute(trx);
    await sql`create table if not exists ${t('_user_department')} (
      user_id uuid not null references ${t('_user')}(id) on delete cascade,
      department_id uuid not null references ${t('_department')}(id) on delete cascade,
      is_primary boolean not null default false,
      constraint _user_department_pk primary key (user_id, department_id))`.execute(trx);
    await sql`create index if not exists ${sql.id('_user_department_dept')} on ${t('_user_department')} (department_id)`.execute(trx);
    // Departments from before paths existed get theirs from the tree.
    await sql`with recursive tree(id, path, depth) as (
        select id, '/' || id || '/', 1 from ${t('_department')} where parent_id is null
        union all
        select d.id, tree.path || d.id || '/', tree.depth + 1 from ${t('_department')} d join tree on d.parent_id = tree.id where tree.depth < 64)
      update ${t('_department')} d set path = tree.path from tree where d.id = tree.id and d.path is null`.execute(trx);
    await createAccessTables(trx, schema);
    await createTemplateTables(trx, schema);
    await createFileTables(trx, schema);
  });
}
