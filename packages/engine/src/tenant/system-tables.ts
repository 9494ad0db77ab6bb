import { sql } from 'kysely';
import type { Db } from '../db/database';

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
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await s
    .createTable('_department')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'uuid', (c) => c.references(`_department.id`))
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
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
}
