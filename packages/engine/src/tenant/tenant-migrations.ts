import { type Kysely, sql } from 'kysely';
import { type Migrations, migrateSchema } from '../db/migrate';
import type { Db } from '../db/database';

/**
 * The system tables of a tenant schema — metadata revisions and draft, the tenant's users and
 * departments (which `user` and `department` fields point at), the audit log, the outbox and its
 * consumer leases, auto-number counters, roles and record shares, installed app packages and
 * uploaded files — as versioned migrations, the one definition of each table. New tenants and
 * existing ones run the same list; each schema records what it ran in its own `_migration`.
 *
 * To change a system table, append a migration ('0002_…') — never edit one that has shipped —
 * and update its interface in db/tables.ts. See docs/adr/0009-versioned-migrations.md.
 */
export function tenantMigrations(schema: string): Migrations {
  return {
    '0001_baseline': { up: (db) => baseline(db, schema) },
    '0002_notifications': { up: (db) => notifications(db, schema) },
    '0003_audit_via': { up: (db) => auditVia(db, schema) },
    '0004_automation_sweeps': { up: (db) => automationSweeps(db, schema) },
    '0005_outbox_pending': { up: (db) => outboxPending(db, schema) },
    '0006_workflows': { up: (db) => workflows(db, schema) },
    '0007_workflow_runtime': { up: (db) => workflowRuntime(db, schema) },
  };
}

/** Creates `schema` if needed and runs its pending migrations (under the schema's advisory lock). */
export function migrateTenant(db: Db, schema: string): Promise<string[]> {
  return migrateSchema(db, schema, tenantMigrations(schema));
}

/**
 * The tables as they were when migrations were introduced. Tenants created before then already
 * have them, in this shape or an older one, but no `_migration` record: so every statement here
 * is "if not exists", and the columns and tables added to tenants over time before then are
 * added if missing, leaving an old tenant exactly as a new one.
 */
async function baseline(db: Kysely<any>, schema: string): Promise<void> {
  const s = db.schema.withSchema(schema);
  const t = (name: string) => sql.id(schema, name);
  await s
    .createTable('_meta_revision')
    .ifNotExists()
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_by', 'uuid')
    .addColumn('message', 'text')
    .addColumn('metadata', 'jsonb', (c) => c.notNull())
    .addColumn('actions', 'jsonb', (c) => c.notNull())
    .execute();
  await s
    .createTable('_meta_draft')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('base_revision', 'integer')
    .addColumn('metadata', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'uuid')
    .execute();
  await s
    .createTable('_user')
    .ifNotExists()
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
  // Tenants from before organisation charts: the columns come after created_at there.
  await sql`alter table ${t('_user')}
    add column if not exists employee_no text,
    add column if not exists position text,
    add column if not exists manager_id uuid references ${t('_user')}(id) on delete set null`.execute(db);
  await s
    .createTable('_department')
    .ifNotExists()
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'uuid', (c) => c.references('_department.id'))
    .addColumn('head_id', 'uuid', (c) => c.references('_user.id').onDelete('set null'))
    // Ids from the root down, '/a/b/': "b and below" is one indexed prefix match.
    .addColumn('path', 'text')
    .addColumn('sort', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`alter table ${t('_department')}
    add column if not exists head_id uuid references ${t('_user')}(id) on delete set null,
    add column if not exists path text,
    add column if not exists sort integer not null default 0`.execute(db);
  // Departments from before paths existed get theirs from the tree.
  await sql`with recursive tree(id, path, depth) as (
      select id, '/' || id || '/', 1 from ${t('_department')} where parent_id is null
      union all
      select d.id, tree.path || d.id || '/', tree.depth + 1 from ${t('_department')} d join tree on d.parent_id = tree.id where tree.depth < 64)
    update ${t('_department')} d set path = tree.path from tree where d.id = tree.id and d.path is null`.execute(db);
  await sql`create index if not exists ${sql.id('_department_path')} on ${t('_department')} (path text_pattern_ops)`.execute(db);
  await s
    .createTable('_user_department')
    .ifNotExists()
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('_user.id').onDelete('cascade'))
    .addColumn('department_id', 'uuid', (c) => c.notNull().references('_department.id').onDelete('cascade'))
    .addColumn('is_primary', 'boolean', (c) => c.notNull().defaultTo(false))
    .addPrimaryKeyConstraint('_user_department_pk', ['user_id', 'department_id'])
    .execute();
  await s.createIndex('_user_department_dept').ifNotExists().on('_user_department').column('department_id').execute();
  await s
    .createTable('_audit')
    .ifNotExists()
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
  await s.createIndex('_audit_record').ifNotExists().on('_audit').columns(['object_id', 'record_id', 'version']).execute();
  await s
    .createTable('_outbox')
    .ifNotExists()
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
    .ifNotExists()
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
    .ifNotExists()
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('field_id', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('_counter_pk', ['object_id', 'field_id', 'period'])
    .execute();
  // Access control: roles (JSON documents), who holds them, and per-record shares with a user or a department.
  await sql`create table if not exists ${t('_role')} (
    name text primary key,
    doc jsonb not null,
    updated_at timestamptz(3) not null default now(),
    updated_by uuid)`.execute(db);
  await sql`create table if not exists ${t('_user_role')} (
    user_id uuid not null references ${t('_user')}(id) on delete cascade,
    role text not null references ${t('_role')}(name) on delete cascade on update cascade,
    constraint _user_role_pk primary key (user_id, role))`.execute(db);
  await sql`create table if not exists ${t('_record_share')} (
    id uuid primary key,
    object_id text not null,
    record_id uuid not null,
    user_id uuid references ${t('_user')}(id) on delete cascade,
    department_id uuid references ${t('_department')}(id) on delete cascade,
    access text not null check (access in ('read', 'edit')),
    created_at timestamptz(3) not null default now(),
    created_by uuid,
    constraint _record_share_one_grantee check ((user_id is null) <> (department_id is null)),
    constraint _record_share_unique unique nulls not distinct (object_id, record_id, user_id, department_id))`.execute(db);
  await sql`create index if not exists ${sql.id('_record_share_user')} on ${t('_record_share')} (object_id, user_id) where user_id is not null`.execute(db);
  await sql`create index if not exists ${sql.id('_record_share_department')} on ${t('_record_share')} (object_id, department_id) where department_id is not null`.execute(
    db,
  );
  // The app packages installed in the tenant, as installed (the base of later upgrades).
  await sql`create table if not exists ${t('_app_package')} (
    name text primary key,
    version text not null,
    seq serial,
    package jsonb not null,
    sample_keys jsonb,
    installed_at timestamptz(3) not null default now(),
    installed_by uuid)`.execute(db);
  // Uploaded files (the bytes are on disk, see FileStore): one row per upload, written once its bytes are in place.
  await sql`create table if not exists ${t('_file')} (
    id uuid primary key,
    name text not null,
    size bigint not null check (size > 0),
    mime_type text not null,
    sha256 text not null,
    created_by uuid,
    created_at timestamptz(3) not null default now())`.execute(db);
}

/**
 * The in-app notification centre (notifications/): one row per recipient, newest first by its
 * uuid v7 id; a sender's idempotency key is unique per recipient, so a sender that runs at least
 * once creates one notification. Preferences: one row per user and kind where e-mail is set.
 */
async function notifications(db: Kysely<any>, schema: string): Promise<void> {
  const t = (name: string) => sql.id(schema, name);
  await sql`create table ${t('_notification')} (
    id uuid primary key,
    user_id uuid not null references ${t('_user')}(id) on delete cascade,
    kind text not null,
    title text not null,
    body text,
    link jsonb,
    source_type text not null default 'system',
    source_id text,
    key text,
    created_at timestamptz(3) not null default now(),
    read_at timestamptz(3))`.execute(db);
  await sql`create index ${sql.id('_notification_user')} on ${t('_notification')} (user_id, id desc)`.execute(db);
  await sql`create index ${sql.id('_notification_unread')} on ${t('_notification')} (user_id, id desc) where read_at is null`.execute(db);
  await sql`create unique index ${sql.id('_notification_key')} on ${t('_notification')} (user_id, key) where key is not null`.execute(db);
  await sql`create table ${t('_notification_preference')} (
    user_id uuid not null references ${t('_user')}(id) on delete cascade,
    kind text not null,
    email boolean not null,
    updated_at timestamptz(3) not null default now(),
    constraint _notification_preference_pk primary key (user_id, kind))`.execute(db);
}

/**
 * After-commit automations (issue 14): the audit entry of a write an automation made names it
 * (`via`: `{ automation, depth }`), and each run of an automation leaves a row in its run log.
 */
async function auditVia(db: Kysely<unknown>, schema: string): Promise<void> {
  const t = (name: string) => sql.id(schema, name);
  await sql`alter table ${t('_audit')} add column if not exists via jsonb`.execute(db);
  await sql`create table if not exists ${t('_automation_run')} (
    id bigserial primary key,
    automation_id text not null,
    event_id bigint not null,
    object_id text not null,
    record_id uuid not null,
    depth integer not null default 0,
    status text not null check (status in ('running', 'succeeded', 'failed', 'skipped')),
    actions jsonb not null default '[]',
    error text,
    job_id bigint,
    started_at timestamptz(3) not null,
    finished_at timestamptz(3),
    constraint _automation_run_once unique (automation_id, event_id))`.execute(db);
  await sql`create index if not exists ${sql.id('_automation_run_by_automation')} on ${t('_automation_run')} (automation_id, id desc)`.execute(db);
  await sql`create table if not exists ${t('_automation_round_robin')} (
    automation_id text not null,
    action_id text not null,
    next_index integer not null default 0,
    constraint _automation_round_robin_pk primary key (automation_id, action_id))`.execute(db);
  await sql`create table if not exists ${t('_automation_effect')} (
    key text primary key,
    result jsonb,
    at timestamptz(3) not null default now())`.execute(db);
}

/**
 * The events a subscribed consumer (the automations' dispatcher) has yet to handle, one row per
 * (consumer, event), written with the event by the change log and deleted when acknowledged: a
 * claim reads this short queue instead of every event ever written. Events written before it
 * that the automations consumer has not acknowledged are carried over.
 */
async function outboxPending(db: Kysely<unknown>, schema: string): Promise<void> {
  const t = (name: string) => sql.id(schema, name);
  await sql`create table if not exists ${t('_outbox_pending')} (
    consumer text not null,
    event_id bigint not null references ${t('_outbox')} (id) on delete cascade,
    worker text,
    leased_until timestamptz(3),
    attempts integer not null default 0,
    constraint _outbox_pending_pk primary key (consumer, event_id))`.execute(db);
  await sql`insert into ${t('_outbox_pending')} (consumer, event_id)
    select 'automations', e.id from ${t('_outbox')} e
    where not exists (select 1 from ${t('_outbox_lease')} l where l.consumer = 'automations' and l.event_id = e.id and l.acked_at is not null)
    on conflict do nothing`.execute(db);
}

/**
 * Time-triggered automations (issue 14; docs/guides/automations.md#time-triggers): each episode a
 * sweep fired — (automation, record, episode), unique, so two workers never fire one twice — and
 * each automation's sweep watermark (the time up to which it has been swept). A run of a sweep
 * names its episode in the run log.
 */
async function automationSweeps(db: Kysely<unknown>, schema: string): Promise<void> {
  const t = (name: string) => sql.id(schema, name);
  await sql`create table if not exists ${t('_automation_sweep')} (
    id bigserial primary key,
    automation_id text not null,
    record_id uuid not null,
    episode text not null,
    fired_at timestamptz(3) not null,
    constraint _automation_sweep_once unique (automation_id, record_id, episode))`.execute(db);
  await sql`create table if not exists ${t('_automation_sweep_state')} (
    automation_id text primary key,
    swept_until timestamptz(3) not null)`.execute(db);
  await sql`alter table ${t('_automation_run')} add column if not exists episode_id bigint`.execute(db);
}

/**
 * Process instances (issue 15; docs/adr/0013-process-interpreter.md): each with the definition it
 * started on (running instances stay on their version), its tokens and timers; one row per task
 * (待办 / 已办 are indexed queries) and per history entry. At most one instance of a process is
 * active (running, or returned to its submitter) per record.
 */
async function workflows(db: Kysely<unknown>, schema: string): Promise<void> {
  const t = (name: string) => sql.id(schema, name);
  await sql`create table if not exists ${t('_wf_instance')} (
    id uuid primary key,
    process text not null,
    definition jsonb not null,
    object_id text not null,
    record_id uuid not null,
    submitter uuid not null,
    status text not null,
    seq integer not null,
    tokens jsonb not null,
    timers jsonb not null,
    created_at timestamptz(3) not null,
    updated_at timestamptz(3) not null)`.execute(db);
  await sql`create unique index if not exists _wf_instance_active on ${t('_wf_instance')} (process, record_id) where status in ('running', 'returned')`.execute(
    db,
  );
  await sql`create index if not exists _wf_instance_record on ${t('_wf_instance')} (object_id, record_id)`.execute(db);
  await sql`create index if not exists _wf_instance_submitter on ${t('_wf_instance')} (submitter, created_at desc)`.execute(db);
  await sql`create table if not exists ${t('_wf_task')} (
    instance_id uuid not null references ${t('_wf_instance')} (id) on delete cascade,
    id text not null,
    node text not null,
    token text,
    assignee uuid not null,
    status text not null,
    kind text not null,
    ord integer not null,
    extra text,
    reopens text,
    auto text,
    created_at timestamptz(3) not null,
    decided_at timestamptz(3),
    constraint _wf_task_pk primary key (instance_id, id))`.execute(db);
  await sql`create index if not exists _wf_task_assignee on ${t('_wf_task')} (assignee, status, created_at desc)`.execute(db);
  await sql`create table if not exists ${t('_wf_history')} (
    instance_id uuid not null references ${t('_wf_instance')} (id) on delete cascade,
    n integer not null,
    at timestamptz(3) not null,
    by uuid,
    what text not null,
    node text,
    task text,
    "to" text,
    comment text,
    constraint _wf_history_pk primary key (instance_id, n))`.execute(db);
}

/**
 * What the workflow runtime and the inbox need (issue 15): each instance names its workflow and
 * keeps the diagram and the status field mapping of the version it runs (running instances stay on
 * their version); one active instance per (workflow, record) — the process id of a diagram is not
 * unique across workflows; the active instances of a record (the record lock's one lookup); 已办
 * by decision time; 抄送 rows (one per instance and user, unread until read: the 抄送我 box and its
 * count); file ids attached to a history entry.
 */
async function workflowRuntime(db: Kysely<unknown>, schema: string): Promise<void> {
  const t = (name: string) => sql.id(schema, name);
  await sql`alter table ${t('_wf_instance')} add column if not exists workflow text`.execute(db);
  await sql`update ${t('_wf_instance')} set workflow = process where workflow is null`.execute(db);
  await sql`alter table ${t('_wf_instance')} alter column workflow set not null`.execute(db);
  await sql`alter table ${t('_wf_instance')} add column if not exists bpmn text`.execute(db);
  await sql`alter table ${t('_wf_instance')} add column if not exists status_field text`.execute(db);
  await sql`alter table ${t('_wf_instance')} add column if not exists status_values jsonb`.execute(db);
  await sql`drop index if exists ${t('_wf_instance_active')}`.execute(db);
  await sql`create unique index if not exists _wf_instance_active on ${t('_wf_instance')} (workflow, record_id) where status in ('running', 'returned')`.execute(
    db,
  );
  await sql`create index if not exists _wf_instance_record_active on ${t('_wf_instance')} (record_id) where status in ('running', 'returned')`.execute(db);
  await sql`create index if not exists _wf_instance_workflow on ${t('_wf_instance')} (workflow, created_at desc)`.execute(db);
  await sql`create index if not exists _wf_task_open on ${t('_wf_task')} (assignee, created_at desc) where status = 'open'`.execute(db);
  await sql`create index if not exists _wf_task_decided on ${t('_wf_task')} (assignee, decided_at desc) where decided_at is not null`.execute(db);
  await sql`alter table ${t('_wf_history')} add column if not exists files jsonb`.execute(db);
  await sql`create table if not exists ${t('_wf_cc')} (
    instance_id uuid not null references ${t('_wf_instance')} (id) on delete cascade,
    user_id uuid not null,
    by uuid,
    created_at timestamptz(3) not null,
    read_at timestamptz(3),
    constraint _wf_cc_pk primary key (instance_id, user_id))`.execute(db);
  await sql`create index if not exists _wf_cc_user on ${t('_wf_cc')} (user_id, created_at desc)`.execute(db);
  await sql`create index if not exists _wf_cc_unread on ${t('_wf_cc')} (user_id) where read_at is null`.execute(db);
}
