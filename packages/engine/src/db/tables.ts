import type { ColumnType, Generated, Kysely, QueryCreator } from 'kysely';
import type { Db } from './database';

/**
 * The column types of the system tables, as Kysely sees them, for typed queries. The tables are
 * created by the migrations (tenant/tenant-migrations.ts, tenant/platform-migrations.ts); when a
 * migration changes a table, change its interface here in the same commit. Object tables (one
 * per metadata object) stay dynamic and are queried through `Db`.
 *
 * Conventions: a column with a database default is `Generated<T>` (optional on insert);
 * timestamps are read as ISO strings (see type-parsers.ts) and may be written as strings, dates
 * or `sql\`now()\``; jsonb is read parsed and written as a JSON string.
 */
type Timestamp = ColumnType<string, string | Date, string | Date>;
/** A timestamp column that defaults to now() (optional on insert). */
type DefaultNow = ColumnType<string, string | Date | undefined, string | Date>;
type Json<T> = ColumnType<T, string, string>;
/** bigint (int8) is read as a number on both backends (see type-parsers.ts). */
type Int8 = ColumnType<number, number | string | bigint, number | string | bigint>;
type Serial8 = ColumnType<number, never, never>;

/** The tables every tenant schema has besides its object tables. */
export interface TenantSystemTables {
  _meta_revision: {
    id: number;
    created_at: DefaultNow;
    created_by: string | null;
    message: string | null;
    metadata: Json<unknown>;
    actions: Json<unknown>;
  };
  _meta_draft: {
    id: string;
    base_revision: number | null;
    metadata: Json<unknown>;
    updated_at: DefaultNow;
    updated_by: string | null;
  };
  _user: {
    id: string;
    name: string;
    email: string | null;
    mobile: string | null;
    active: Generated<boolean>;
    employee_no: string | null;
    position: string | null;
    manager_id: string | null;
    created_at: DefaultNow;
  };
  _department: {
    id: string;
    name: string;
    parent_id: string | null;
    head_id: string | null;
    /** Ids from the root down, '/a/b/'. */
    path: string | null;
    sort: Generated<number>;
    created_at: DefaultNow;
  };
  _user_department: {
    user_id: string;
    department_id: string;
    is_primary: Generated<boolean>;
  };
  _audit: {
    id: Serial8;
    object_id: string;
    record_id: string;
    version: number;
    action: string;
    changes: Json<Record<string, [unknown, unknown]>>;
    actor: string | null;
    request_id: string | null;
    at: DefaultNow;
    /** `{ automation, depth }` when an after-commit automation made the change (migration 0003). */
    via: Json<{ automation: string; depth: number }> | null;
  };
  _outbox: {
    id: Serial8;
    event: string;
    object_id: string;
    record_id: string;
    payload: Json<Record<string, unknown>>;
    actor: string | null;
    request_id: string | null;
    at: DefaultNow;
  };
  _outbox_lease: {
    consumer: string;
    event_id: Int8;
    worker: string;
    leased_until: Timestamp;
    attempts: Generated<number>;
    acked_at: Timestamp | null;
  };
  _outbox_pending: {
    consumer: string;
    event_id: Int8;
    worker: string | null;
    leased_until: Timestamp | null;
    attempts: Generated<number>;
  };
  _counter: {
    object_id: string;
    field_id: string;
    period: string;
    value: Int8;
  };
  _role: {
    name: string;
    doc: Json<unknown>;
    updated_at: DefaultNow;
    updated_by: string | null;
  };
  _user_role: {
    user_id: string;
    role: string;
  };
  _record_share: {
    id: string;
    object_id: string;
    record_id: string;
    user_id: string | null;
    department_id: string | null;
    access: 'read' | 'edit';
    created_at: DefaultNow;
    created_by: string | null;
  };
  _app_package: {
    name: string;
    version: string;
    seq: Generated<number>;
    package: Json<unknown>;
    sample_keys: Json<unknown> | null;
    installed_at: DefaultNow;
    installed_by: string | null;
  };
  _file: {
    id: string;
    name: string;
    size: Int8;
    mime_type: string;
    sha256: string;
    created_by: string | null;
    created_at: DefaultNow;
  };
  _notification: {
    id: string;
    user_id: string;
    kind: string;
    title: string;
    body: string | null;
    /** `{ object, recordId }` or `{ path }`. */
    link: Json<Record<string, string>> | null;
    source_type: Generated<string>;
    source_id: string | null;
    key: string | null;
    created_at: DefaultNow;
    read_at: Timestamp | null;
  };
  _notification_preference: {
    user_id: string;
    kind: string;
    email: boolean;
    updated_at: DefaultNow;
  };
  _wf_instance: {
    id: string;
    process: string;
    /** The workflow's name (metadata `workflows[].name`). */
    workflow: string;
    /** The diagram (BPMN XML) of the version the instance runs; null for a process started without one. */
    bpmn: string | null;
    /** The version's status field (field id) and the option each instance status sets. */
    status_field: string | null;
    status_values: Json<Record<string, string>> | null;
    definition: Json<unknown>;
    object_id: string;
    record_id: string;
    submitter: string;
    status: string;
    seq: number;
    tokens: Json<unknown>;
    timers: Json<unknown>;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  _wf_task: {
    instance_id: string;
    id: string;
    node: string;
    token: string | null;
    assignee: string;
    status: string;
    kind: string;
    ord: number;
    extra: string | null;
    reopens: string | null;
    auto: string | null;
    created_at: Timestamp;
    decided_at: Timestamp | null;
  };
  _wf_history: {
    instance_id: string;
    n: number;
    at: Timestamp;
    by: string | null;
    what: string;
    node: string | null;
    task: string | null;
    to: string | null;
    comment: string | null;
    /** File ids (`_file`) attached to the entry. */
    files: Json<string[]> | null;
  };
  /** 抄送: who was copied on an instance (once per user; a new copy marks it unread again). */
  _wf_cc: {
    instance_id: string;
    user_id: string;
    by: string | null;
    created_at: Timestamp;
    read_at: Timestamp | null;
  };
}

/** The global `platform` schema: the tenant registry, installation state and login identities. */
export interface PlatformTables {
  tenant: {
    id: string;
    slug: string;
    schema: string;
    name: string;
    created_at: DefaultNow;
  };
  secret: {
    name: string;
    value: string;
  };
  setup_step: {
    name: string;
    done_at: DefaultNow;
  };
  user: {
    id: string;
    email: string;
    name: string;
    password_hash: string | null;
    platform_admin: Generated<boolean>;
    failed_logins: Generated<number>;
    locked_until: Timestamp | null;
    created_at: DefaultNow;
  };
  membership: {
    user_id: string;
    tenant_id: string;
    role: string;
    /** 'invited' members have no access until they accept. */
    status: Generated<'active' | 'invited'>;
    invite_hash: string | null;
    invited_at: Timestamp | null;
  };
  sign_in_failure: {
    email_hash: string;
    failures: Generated<number>;
    locked_until: Timestamp | null;
    last_failed_at: DefaultNow;
  };
  session: {
    id_hash: string;
    user_id: string;
    csrf_token: string;
    created_at: DefaultNow;
    expires_at: Timestamp;
  };
  api_token: {
    id: string;
    token_hash: string;
    prefix: string;
    name: string;
    user_id: string;
    tenant_id: string;
    created_at: DefaultNow;
    last_used_at: Timestamp | null;
    revoked_at: Timestamp | null;
  };
  /** Durable jobs (jobs/): one row per job, kept after it finishes as its run-log entry. */
  job: {
    id: Serial8;
    queue: string;
    tenant_id: string | null;
    payload: Json<unknown>;
    state: Generated<'queued' | 'active' | 'done' | 'dead' | 'cancelled'>;
    priority: Generated<number>;
    run_at: Timestamp;
    attempts: Generated<number>;
    max_attempts: Generated<number>;
    backoff_ms: Generated<number>;
    key: string | null;
    locked_by: string | null;
    locked_until: Timestamp | null;
    last_error: string | null;
    result: Json<unknown> | null;
    created_at: DefaultNow;
    finished_at: Timestamp | null;
  };
  /** One row per attempt at a job. */
  job_run: {
    job_id: Int8;
    attempt: number;
    worker: string;
    started_at: Timestamp;
    finished_at: Timestamp | null;
    outcome: 'done' | 'error' | 'lost' | null;
    error: string | null;
  };
  job_schedule: {
    name: string;
    queue: string;
    tenant_id: string | null;
    cron: string;
    time_zone: string;
    payload: Json<unknown>;
    enabled: Generated<boolean>;
    next_run_at: Timestamp;
    last_run_at: Timestamp | null;
  };
  /** A tenant's SMTP settings (mail/settings.ts); the password sealed with the `mail` secret. */
  mail_settings: {
    tenant_id: string;
    host: string;
    port: number;
    secure: boolean;
    username: string | null;
    password_sealed: string | null;
    from_address: string;
    updated_at: DefaultNow;
    updated_by: string | null;
  };
  /** Mail sent under an idempotency key: a repeat of the key sends nothing. */
  mail_sent: {
    tenant_id: string;
    key: string;
    recipient: string;
    via: 'smtp' | 'dev';
    message_id: string;
    sent_at: Timestamp;
  };
  /** The dev mailbox: mail kept instead of sent (no SMTP settings on a dev or demo server). */
  dev_mail: {
    id: Serial8;
    tenant_id: string | null;
    key: string | null;
    message_id: string;
    from_address: string;
    recipient: string;
    subject: string;
    body: string;
    created_at: Timestamp;
  };
}

/**
 * Typed queries on a tenant's system tables, in `schema` (works on a transaction too).
 * @example await systemTables(trx, schema).selectFrom('_outbox').selectAll().where('id', '>', after).execute()
 */
export function systemTables(db: Db, schema: string): QueryCreator<TenantSystemTables> {
  return (db as Kysely<TenantSystemTables>).withSchema(schema);
}

/** Typed queries on the `platform` schema (works on a transaction too). */
export function platformTables(db: Db): QueryCreator<PlatformTables> {
  return (db as Kysely<PlatformTables>).withSchema('platform');
}
