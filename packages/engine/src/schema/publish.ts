import { AppError } from '@tangram/errors';
import type { ResolvedApp } from '@tangram/metadata';
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { bumpSchemaEpoch } from '../db/pg-pool';
import { translatePgError } from '../db/pg-errors';
import { type Action, describeAction, isDestructive } from './actions';
import { type ApplyContext, applyActions, failingRows } from './apply';
import { carryArchived, planMigration } from './plan';
import { checkApproverRoles, resolveAppWithWorkflows } from './workflows';
import { checkReports } from '../reports/published';

export interface Revision {
  id: number;
  createdAt: string;
  createdBy: string | null;
  message: string | null;
  metadata: ResolvedApp;
  actions: Action[];
}

export interface PlannedStep {
  action: Action;
  description: { 'zh-CN': string; en: string };
  destructive: boolean;
  /** For a type change: how many rows would not convert unchanged (the publish would be refused). */
  failingRows?: number;
  /** For a type change: how many rows would be rounded (refused unless rounding is accepted). */
  roundedRows?: number;
}

export interface Plan {
  baseRevision: number;
  steps: PlannedStep[];
  metadata: ResolvedApp;
}

export async function currentRevision(db: Db, schema: string): Promise<Revision | undefined> {
  const row = await db
    .withSchema(schema)
    .selectFrom('_meta_revision')
    .select(['id', 'created_at', 'created_by', 'message', 'metadata', 'actions'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toRevision(row) : undefined;
}

function withUiDefaults(m: Partial<ResolvedApp>): ResolvedApp {
  return {
    ...m,
    forms: m.forms ?? [],
    views: m.views ?? [],
    menu: m.menu ?? [],
    automations: m.automations ?? [],
    recordActions: m.recordActions ?? [],
    // Revisions published before workflows existed have none.
    workflows: m.workflows ?? [],
    // Revisions published before reports existed have none.
    reports: m.reports ?? [],
    dashboards: m.dashboards ?? [],
  } as ResolvedApp;
}

export function toRevision(row: Record<string, unknown>): Revision {
  return {
    id: row.id as number,
    createdAt: row.created_at as string,
    createdBy: (row.created_by as string | null) ?? null,
    message: (row.message as string | null) ?? null,
    // Revisions published before forms, views and menus existed have none.
    metadata: row.metadata ? withUiDefaults(row.metadata as Partial<ResolvedApp>) : (row.metadata as ResolvedApp),
    actions: row.actions as Action[],
  };
}

function steps(actions: Action[]): PlannedStep[] {
  return actions.map((action) => ({
    action,
    description: { 'zh-CN': describeAction(action, 'zh-CN'), en: describeAction(action, 'en') },
    destructive: isDestructive(action),
  }));
}

/**
 * The dry run: what publishing `input` would do, in words, with type changes checked against
 * the data (rows that would not convert are counted). Changes nothing.
 */
export async function planPublish(db: Db, schema: string, input: unknown, opts: Pick<PublishOptions, 'acceptRounding'> = {}): Promise<Plan> {
  const current = await currentRevision(db, schema);
  const from = current?.metadata;
  const to = carryArchived(from, await resolveAppWithWorkflows(input));
  checkReports(to);
  const actions = planMigration({ from, to });
  const ctx: ApplyContext = { db, schema, from, to, acceptRounding: opts.acceptRounding };
  const planned = steps(actions);
  for (const step of planned)
    if (step.action.kind === 'column.alterType') {
      const check = await failingRows(ctx, step.action).catch((e) => {
        throw translatePgError(e);
      });
      step.failingRows = check.rows;
      step.roundedRows = check.rounded;
    }
  return { baseRevision: current?.id ?? 0, steps: planned, metadata: to };
}

export interface PublishOptions {
  actor?: string | null;
  message?: string;
  /** Refuse if the metadata changed since this revision (optimistic check for drafts). */
  baseRevision?: number;
  lockTimeoutMs?: number;
  /**
   * Accept that type changes round stored values (decimal → integer, fewer decimals): without it
   * such a change is refused with FIELD_TYPE_CHANGE_LOSES_DATA. Rounding cannot be undone by a rollback.
   */
  acceptRounding?: boolean;
  /** Runs inside the publish transaction after the new revision is written (templates write roles and package rows). */
  alsoInTransaction?: (trx: Db, metadata: ResolvedApp, revision: number) => Promise<void>;
}

/**
 * Publishes metadata: plans the change and applies DDL and the new revision row in one
 * transaction, so a failure at any step leaves tables and metadata exactly as they were.
 * Publishes of one tenant are serialised by an advisory lock; a busy table fails fast
 * (lock_timeout) instead of stalling writers.
 */
export async function publish(db: Db, schema: string, input: unknown, opts: PublishOptions = {}): Promise<Revision & { steps: PlannedStep[] }> {
  const resolved = await resolveAppWithWorkflows(input);
  checkReports(resolved);
  try {
    const result = await db.transaction().execute(async (trx) => {
      await sql`select set_config('lock_timeout', ${`${opts.lockTimeoutMs ?? 5000}ms`}, true)`.execute(trx);
      await sql`select pg_advisory_xact_lock(hashtext(${`tangram.publish.${schema}`}))`.execute(trx);
      const current = await currentRevision(trx, schema);
      if (opts.baseRevision !== undefined && opts.baseRevision !== (current?.id ?? 0))
        throw new AppError('REVISION_CONFLICT', { baseRevision: opts.baseRevision, currentRevision: current?.id ?? 0 });
      const from = current?.metadata;
      const to = carryArchived(from, resolved);
      const actions = planMigration({ from, to });
      await applyActions({ db: trx, schema, from, to, acceptRounding: opts.acceptRounding }, actions);
      const id = (current?.id ?? 0) + 1;
      const row = await trx
        .withSchema(schema)
        .insertInto('_meta_revision')
        .values({ id, created_by: opts.actor ?? null, message: opts.message ?? null, metadata: JSON.stringify(to), actions: JSON.stringify(actions) })
        .returning(['id', 'created_at', 'created_by', 'message', 'metadata', 'actions'])
        .executeTakeFirstOrThrow();
      await opts.alsoInTransaction?.(trx, to, id);
      await checkApproverRoles(trx, schema, to);
      return { ...toRevision(row), steps: steps(actions) };
    });
    bumpSchemaEpoch();
    return result;
  } catch (e) {
    const t = translatePgError(e);
    throw t instanceof AppError && t.code === 'LOCK_TIMEOUT' ? new AppError('SCHEMA_BUSY', { retryable: true }) : t;
  }
}

export async function listRevisions(db: Db, schema: string): Promise<Omit<Revision, 'metadata'>[]> {
  const rows = await db
    .withSchema(schema)
    .selectFrom('_meta_revision')
    .select(['id', 'created_at', 'created_by', 'message', 'actions'])
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => {
    const { metadata: _, ...rest } = toRevision({ ...r, metadata: null });
    return rest;
  });
}

export async function getRevision(db: Db, schema: string, id: number): Promise<Revision> {
  const row = await db
    .withSchema(schema)
    .selectFrom('_meta_revision')
    .select(['id', 'created_at', 'created_by', 'message', 'metadata', 'actions'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('REVISION_NOT_FOUND', { revision: id });
  return toRevision(row);
}

/** What changed between two revisions, as the plan that would turn one into the other. */
export async function diffRevisions(db: Db, schema: string, fromId: number, toId: number): Promise<PlannedStep[]> {
  const from = fromId === 0 ? undefined : (await getRevision(db, schema, fromId)).metadata;
  const to = (await getRevision(db, schema, toId)).metadata;
  return steps(planMigration({ from, to: carryArchived(from, to) }));
}

/** Rolls back to an earlier revision by publishing its metadata as a new revision (history is kept). */
export async function rollback(db: Db, schema: string, toId: number, opts: PublishOptions = {}) {
  const target = await getRevision(db, schema, toId);
  return publish(db, schema, target.metadata, { ...opts, message: opts.message ?? `rollback to revision ${toId}` });
}
