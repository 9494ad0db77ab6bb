import { sql } from 'kysely';
import type { Db } from '../db/database';
import { createAccessTables } from '../access/tables';
import { createTemplateTables } from '../templates/tables';
import { createFileTables } from '../files/tables';

/**
 * The tables every tenant schema has besides its object tables: metadata revisions and draft,
 * the audit log, the outbox and its consumer leases, auto-number counters, and the tenant's
 * users and departments (which `user` and `department` fields point at).
 */
export async function createSystemTables(db: Db, schema: string): Promise<void> {
  const s = db.schema.withSchema(schema);
  await s
    .createTable('_meta_revision')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_by', 'uuid')
    .addColumn('message', 'text')
    .addColumn('metadata', 'jsonb', (c) => c.notNull())
    .addColumn('actions', 'jsonb', (c) => c.notNull())
    .execute();
  await s
    .createTable('_meta_draft')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('base_revision', 'integer')
    .addColumn('metadata', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'uuid')
    .execute();
  await s
    .createTable('_user')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('mobile', 'text')
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('employee_no', 'text')
    .addColumn('position', 'text')
    .addColumn('manager_id', 'uuid', (c) => c.references('_user.id').onDelete('set null'))
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await s
    .createTable('_department')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'uuid', (c) => c.references(`_department.id`))
    .addColumn('head_id', 'uuid', (c) => c.references('_user.id').onDelete('set null'))
    // Ids from the root down, '/a/b/': "b and below" is one indexed prefix match.
    .addColumn('path', 'text')
    .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index ${sql.id('_department_path')} on ${sql.id(schema, '_department')} (path text_pattern_ops)`.execute(db);
  await s
    .createTable('_user_department')
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('_user.id').onDelete('cascade'))
    .addColumn('department_id', 'uuid', (c) => c.notNull().references('_department.id').onDelete('cascade'))
    .addColumn('is_primary', 'boolean', (c) => c.notNull().defaultTo(false))
    .addPrimaryKeyConstraint('_user_department_pk', ['user_id', 'department_id'])
    .execute();
  await s.createIndex('_user_department_dept').on('_user_department').column('department_id').execute();
  await s
    .createTable('_audit')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('record_id', 'uuid', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('changes', 'jsonb', (c) => c.notNull())
    .addColumn('actor', 'uuid')
    .addColumn('request_id', 'text')
    .addColumn('at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await s.createIndex('_audit_record').on('_audit').columns(['object_id', 'record_id', 'version']).execute();
  await s
    .createTable('_outbox')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('record_id', 'uuid', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('actor', 'uuid')
    .addColumn('request_id', 'text')
    .addColumn('at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await s
    .createTable('_outbox_lease')
    .addColumn('consumer', 'text', (c) => c.notNull())
    .addColumn('event_id', 'bigint', (c) => c.notNull().references('_outbox.id').onDelete('cascade'))
    .addColumn('worker', 'text', (c) => c.notNull())
    .addColumn('leased_until', sql`timestamptz(3)`, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('acked_at', sql`timestamptz(3)`)
    .addPrimaryKeyConstraint('_outbox_lease_pk', ['consumer', 'event_id'])
    .execute();
  await s
    .createTable('_counter')
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('field_id', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('_counter_pk', ['object_id', 'field_id', 'period'])
    .execute();
  await createAccessTables(db, schema);
  await createTemplateTables(db, schema);
  await createFileTables(db, schema);
}
