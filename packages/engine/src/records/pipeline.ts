import { AppError, type Problem } from '@tangram/errors';
import { v7 as uuidv7 } from 'uuid';
import { translatePgError } from '../db/pg-errors';
import { runShaped } from '../db/shaped-query';
import { type Changes, diffRows } from '../audit/audit';
import { changeLog } from './change-log';
import type { RecordPhase, WriteAction, WriteContext } from './behaviours';
import type { ObjectModel } from '../model/compile';
import { fieldOfConstraint, toRow } from './columns';
import { readJunctions, writeJunctions } from './junctions';
import { type RecordData, rowToRecord } from './row';
import type { Tx } from './tx';
import { authorizeUpdateFields, authorizeWrite } from '../access/enforce';
import { missingRequired, validateInput } from './validate';

function fail(problems: Problem[]): void {
  if (problems.length) throw AppError.problems('RECORD_INVALID', problems);
}

function withNames(om: ObjectModel, changes: Changes): string[] {
  return Object.keys(changes).map((c) => om.byColumn.get(c)?.name ?? c);
}

async function run<T>(om: ObjectModel, deleting: boolean, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw translatePgError(e, { object: om.name, fieldOfConstraint: fieldOfConstraint(om), fieldOfColumn: (c) => om.byColumn.get(c)?.name, deleting });
  }
}

export async function lockRow(tx: Tx, om: ObjectModel, id: string): Promise<Record<string, unknown>> {
  // A single-statement write reads without a lock: its write is guarded by the version read.
  const db = tx.single?.db ?? tx.trx;
  const [row] = await runShaped<Record<string, unknown>>(
    db,
    om,
    tx.single ? 'read' : 'lock',
    (v) => {
      const q = db.withSchema(tx.schema).selectFrom(om.table).select(om.selectColumns).where('id', '=', v(0));
      return (tx.single ? q : q.forUpdate()).compile();
    },
    [id],
  );
  if (!row) throw new AppError('RECORD_NOT_FOUND', { object: om.name, id });
  return row;
}

function checkVersion(tx: Tx, om: ObjectModel, row: Record<string, unknown>, expected: number | undefined): void {
  if (expected !== undefined && row.version !== expected) {
    const current = rowToRecord(om, row);
    // The conflict shows the record as it is now: only what the caller may read.
    tx.ctx.access?.object(om).strip(current);
    throw new AppError('RECORD_VERSION_CONFLICT', { object: om.name, id: row.id, expected, current });
  }
}

/** How a write reaches a record: directly, or as a detail line written with (or cascading from) its master. */
export interface WriteOptions {
  /** The version the caller read (updates and deletes): a different one is a conflict. */
  version?: number;
  /** Written through its master, whose access was checked already: the line's master is not checked again. */
  viaMaster?: boolean;
}

/** A record to create: the input given, and values fixed by the caller (a detail line's master). */
export interface CreateRequest extends WriteOptions {
  om: ObjectModel;
  input: unknown;
  fixed?: Record<string, unknown>;
}

/** A record to update by id with the input given. */
export interface UpdateRequest extends WriteOptions {
  om: ObjectModel;
  id: string;
  input: unknown;
  /** The record's row as the caller locked it in this transaction (all of `om.selectColumns`), unchanged since: not read again. */
  locked?: Record<string, unknown>;
}

/** A record to delete, restore or purge by id. */
export interface RecordRequest extends WriteOptions {
  om: ObjectModel;
  id: string;
  /** Deleted along with its master: the master's deletion time. */
  at?: string;
}

/** The before-save automations that set values, for the event's payload (`{}` when none did). */
function traced(w: WriteContext): { automations?: WriteContext['automations'] } {
  return w.automations?.length ? { automations: w.automations } : {};
}

/** Runs the behaviours of the phases named, in order, for one write. */
async function phase(w: WriteContext, ...names: RecordPhase[]): Promise<void> {
  for (const p of names) await w.tx.behaviours.run(p, w);
}

/** After the row is written: `inTransaction` now, `afterCommit` queued for after the commit. */
export async function written(w: WriteContext, row: Record<string, unknown> | undefined): Promise<void> {
  w.row = row;
  w.tx.writes.push(w);
  await phase(w, 'inTransaction', 'afterCommit');
}

/** After a set change (transfer, recycle): its `inTransaction` and `afterCommit` behaviours, with the ids changed. */
export async function setWritten(w: WriteContext, ids: string[]): Promise<void> {
  w.ids = ids;
  w.tx.writes.push(w);
  await phase(w, 'inTransaction', 'afterCommit');
}

/** create: validate → defaults → behaviours (formulas, rules…) → authorize → behaviours (checks, auto-numbers) → write with audit and event. */
export async function createOne(tx: Tx, req: CreateRequest): Promise<RecordData> {
  const { om } = req;
  const fixed = req.fixed ?? {};
  const { values, details } = validateInput(om, req.input, 'create');
  const record: Record<string, unknown> = Object.create(null);
  for (const f of om.fields) if (f.field.defaultValue !== undefined && !f.type.computed) record[f.name] = f.field.defaultValue;
  Object.assign(record, values, fixed);
  // A new record has no related records yet: counts and sums start at 0 (min/max stay empty).
  for (const f of om.fields) if (f.type.computed === 'aggregate' && ['count', 'sum'].includes(f.field.options.aggregate as string)) record[f.name] = 0;
  fail(
    missingRequired(om, record).concat(
      om.fields
        .filter((f) => f.type.reference?.master && !record[f.name])
        .map((f) => ({ code: 'RECORD_INVALID' as const, field: f.name, message: 'is required' })),
    ),
  );
  const w: WriteContext = { tx, om, action: 'create', values, record, viaMaster: req.viaMaster };
  await phase(w, 'beforeValidate', 'validate');
  await authorizeWrite(tx.trx, tx.schema, tx.ctx, 'create', om, undefined, values);
  await phase(w, 'beforeWrite');
  const id = (record.id as string | undefined) ?? uuidv7();
  w.id = id;
  const actor = tx.ctx.actor ?? null;
  const ownerId = (record.owner_id as string | null | undefined) ?? null;
  const now = tx.now.toISOString();
  // The row as it will be stored (values are validated to fit their columns exactly), so the
  // audit row and the event are written in the same statement as the record.
  const expected: Record<string, unknown> = {
    id,
    created_at: now,
    created_by: actor,
    updated_at: now,
    updated_by: actor,
    owner_id: ownerId,
    version: 1,
    deleted_at: null,
    deleted_by: null,
  };
  for (const f of om.columnFields) expected[f.column] = record[f.name] ?? null;
  const changes = diffRows(om, undefined, expected);
  for (const j of om.junctions) if (record[j.name] !== undefined && record[j.name] !== null) changes[j.column] = [null, record[j.name]];
  const payload = { object: om.name, version: 1, record: withJunctionValues(om, rowToRecord(om, expected), record), ...traced(w) };
  const set = { ...toRow(om, record), id, created_at: now, updated_at: now, created_by: actor, updated_by: actor, owner_id: ownerId };
  const row = await run(om, false, () =>
    changeLog.write({ tx, om, kind: 'insert', id, set, version: 1, action: 'create', changes, event: 'record.created', payload }),
  );
  await writeJunctions(tx, { om, id, values: record });
  let createdIds = tx.created.get(om.table);
  if (!createdIds) tx.created.set(om.table, (createdIds = new Set()));
  createdIds.add(id.toLowerCase());
  const created = withJunctionValues(om, rowToRecord(om, row), record);
  await written(w, row);
  await writeDetails(tx, { om, masterId: id, details, replace: false, masterOwner: row.owner_id as string | null });
  return created;
}

function withJunctionValues(om: ObjectModel, rec: RecordData, values: Record<string, unknown>): RecordData {
  for (const j of om.junctions) if (j.name in values) rec[j.name] = values[j.name] ?? [];
  return rec;
}

/** update: the same pipeline, on the row locked for the transaction, checking the version read. */
export async function updateOne(tx: Tx, req: UpdateRequest): Promise<RecordData> {
  const { om, id } = req;
  const { values, details } = validateInput(om, req.input, 'update');
  const before = req.locked ?? (await lockRow(tx, om, id));
  // Scope first: nothing about a record the caller may not touch (deleted, its version) leaks.
  await authorizeWrite(tx.trx, tx.schema, tx.ctx, 'update', om, id, values);
  if (before.deleted_at) throw new AppError('RECORD_DELETED', { object: om.name, id });
  checkVersion(tx, om, before, req.version);
  const current = rowToRecord(om, before);
  await authorizeUpdateFields(tx.trx, tx.schema, tx.ctx, om, id, values, current);
  const record: Record<string, unknown> = Object.assign(Object.create(null), current, values);
  fail(missingRequired(om, record).filter((p) => p.field !== undefined && p.field in values));
  const w: WriteContext = { tx, om, action: 'update', id, values, record, current, before, viaMaster: req.viaMaster };
  await phase(w, 'beforeValidate', 'validate', 'beforeWrite');
  const changedValues = Object.fromEntries(Object.entries(record).filter(([k]) => k in values || om.formulas.some((f) => f.name === k)));
  const changes = diffRows(om, before, { ...before, ...toRowForDiff(om, changedValues) });
  // Many-to-many lists: the history records the list before and after, and only when it changed.
  const given = om.junctions.filter((j) => j.name in values);
  const linked = given.length ? await readJunctions(tx.trx, tx.schema, om, [id]) : undefined;
  for (const j of given) {
    const previous = linked?.get(j.name)?.get(id) ?? [];
    const next = ((values[j.name] as string[] | null) ?? []).map((v) => v.toLowerCase());
    if (JSON.stringify(previous) !== JSON.stringify(next)) changes[j.column] = [previous, next];
  }
  if (!Object.keys(changes).length && !details.size) return current;
  const version = (before.version as number) + 1;
  const now = tx.now.toISOString();
  const actor = tx.ctx.actor ?? null;
  const expected = { ...before, ...toRowForDiff(om, changedValues), version, updated_at: now, updated_by: actor };
  const payload = {
    object: om.name,
    version,
    changed: withNames(om, changes),
    // The changed fields' values before the write: after-commit automations compare from → to and read $previous.
    previous: Object.fromEntries(withNames(om, changes).map((n) => [n, current[n] ?? null])),
    record: withJunctionValues(om, rowToRecord(om, expected), values),
    ...traced(w),
  };
  const set = { ...toRow(om, changedValues), version, updated_at: now, updated_by: actor };
  const row = await run(om, false, () =>
    changeLog.write({ tx, om, kind: 'update', id, set, version, action: 'update', changes, event: 'record.updated', payload }),
  );
  await writeJunctions(tx, { om, id, values });
  const updated = withJunctionValues(om, rowToRecord(om, row), values);
  await written(w, row);
  await writeDetails(tx, { om, masterId: id, details, replace: true, masterOwner: row.owner_id as string | null });
  return updated;
}

/** The row as it will be after the update, with values in their column form for comparison. */
function toRowForDiff(om: ObjectModel, values: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const f of om.columnFields) if (f.name in values) row[f.column] = values[f.name] ?? null;
  if ('owner_id' in values) row.owner_id = values.owner_id;
  return row;
}

/**
 * Writes detail lines given with their master. On update the list given is the whole new set.
 * New lines belong to the master's owner (unless they name one), so whoever may see a quote sees
 * its lines under an `own` scope too.
 */
async function writeDetails(
  tx: Tx,
  {
    om,
    masterId,
    details,
    replace,
    masterOwner,
  }: { om: ObjectModel; masterId: string; details: Map<string, unknown>; replace: boolean; masterOwner: string | null },
): Promise<void> {
  for (const d of om.details) {
    const key = (d.field.field.options.detailName as string | undefined) ?? d.object.name;
    if (!details.has(key)) continue;
    const items = details.get(key);
    if (!Array.isArray(items)) throw AppError.problems('RECORD_INVALID', [{ code: 'RECORD_INVALID', field: key, message: 'must be a list of detail lines' }]);
    const keep = new Set<string>();
    for (const [i, item] of items.entries()) {
      try {
        const line = item as Record<string, unknown>;
        if (replace && line && typeof line.id === 'string') {
          const { id, version, ...rest } = line;
          keep.add(id);
          const owned = await tx.trx
            .withSchema(tx.schema)
            .selectFrom(d.object.table)
            .select('id')
            .where('id', '=', id)
            .where(d.column, '=', masterId)
            .executeTakeFirst();
          if (!owned) throw new AppError('RECORD_NOT_FOUND', { object: d.object.name, id });
          await updateOne(tx, { om: d.object, id, input: rest, version: typeof version === 'number' ? version : undefined, viaMaster: true });
        } else {
          const owns = item && typeof item === 'object' && 'owner_id' in item;
          const created = await createOne(tx, {
            om: d.object,
            input: item,
            fixed: { [d.field.name]: masterId, ...(owns || !masterOwner ? {} : { owner_id: masterOwner }) },
            viaMaster: true,
          });
          keep.add(created.id);
        }
      } catch (e) {
        if (e instanceof AppError) throw new AppError(e.code, { ...e.details, detail: key, index: i }, e.message);
        throw e;
      }
    }
    if (!replace) continue;
    const stale = await tx.trx
      .withSchema(tx.schema)
      .selectFrom(d.object.table)
      .select('id')
      .where(d.column, '=', masterId)
      .where('deleted_at', 'is', null)
      .execute();
    for (const s of stale) if (!keep.has(s.id as string)) await deleteOne(tx, { om: d.object, id: s.id as string, viaMaster: true });
  }
}

/** Moves a record (and its detail lines) to the recycle bin. */
export async function deleteOne(tx: Tx, req: RecordRequest): Promise<RecordData> {
  const { om, id } = req;
  const before = await lockRow(tx, om, id);
  await authorizeWrite(tx.trx, tx.schema, tx.ctx, 'delete', om, id, {});
  const w = recordWrite(tx, om, 'delete', before, req);
  await phase(w, 'beforeValidate', 'validate');
  if (before.deleted_at) throw new AppError('RECORD_DELETED', { object: om.name, id });
  checkVersion(tx, om, before, req.version);
  await phase(w, 'beforeWrite');
  tx.created.get(om.table)?.delete(id);
  const deletedAt = req.at ?? tx.now.toISOString();
  const version = (before.version as number) + 1;
  const set = { deleted_at: deletedAt, deleted_by: tx.ctx.actor ?? null, version };
  const row = await changeLog.write({
    tx,
    om,
    kind: 'update',
    id,
    set,
    version,
    action: 'delete',
    changes: {},
    event: 'record.deleted',
    // The record as it was: after-commit automations on deletions read it.
    payload: { object: om.name, version, record: rowToRecord(om, before) },
  });
  await written(w, row);
  for (const d of om.details) {
    const children = await tx.trx
      .withSchema(tx.schema)
      .selectFrom(d.object.table)
      .select('id')
      .where(d.column, '=', id)
      .where('deleted_at', 'is', null)
      .execute();
    for (const c of children) await deleteOne(tx, { om: d.object, id: c.id as string, at: deletedAt, viaMaster: true });
  }
  return rowToRecord(om, row);
}

/** The context of a write to one existing record that takes no input (delete, restore, purge, claim, release). */
export function recordWrite(tx: Tx, om: ObjectModel, action: WriteAction, before: Record<string, unknown>, opts: WriteOptions = {}): WriteContext {
  return { tx, om, action, id: before.id as string, values: {}, record: {}, current: rowToRecord(om, before), before, viaMaster: opts.viaMaster };
}

/** Brings a record back from the recycle bin, with the detail lines deleted along with it. */
export async function restoreOne(tx: Tx, req: RecordRequest): Promise<RecordData> {
  const { om, id } = req;
  const before = await lockRow(tx, om, id);
  await authorizeWrite(tx.trx, tx.schema, tx.ctx, 'restore', om, id, {});
  const w = recordWrite(tx, om, 'restore', before, req);
  await phase(w, 'beforeValidate', 'validate');
  if (!before.deleted_at) throw new AppError('RECORD_NOT_DELETED', { object: om.name, id });
  await phase(w, 'beforeWrite');
  const version = (before.version as number) + 1;
  const set = { deleted_at: null, deleted_by: null, version, updated_at: tx.now.toISOString(), updated_by: tx.ctx.actor ?? null };
  const row = await run(om, false, () =>
    changeLog.write({
      tx,
      om,
      kind: 'update',
      id,
      set,
      version,
      action: 'restore',
      changes: {},
      event: 'record.restored',
      payload: { object: om.name, version },
    }),
  );
  await written(w, row);
  for (const d of om.details) {
    const children = await tx.trx
      .withSchema(tx.schema)
      .selectFrom(d.object.table)
      .select('id')
      .where(d.column, '=', id)
      .where('deleted_at', '=', before.deleted_at as string)
      .execute();
    for (const c of children) await restoreOne(tx, { om: d.object, id: c.id as string, viaMaster: true });
  }
  return rowToRecord(om, row);
}

/**
 * Deletes a record from the recycle bin for good. Its audit history stays, ending with a `purge`
 * entry (one version past its last), written with the `record.purged` event.
 */
export async function purgeOne(tx: Tx, req: RecordRequest): Promise<void> {
  const { om, id } = req;
  const before = await lockRow(tx, om, id);
  await authorizeWrite(tx.trx, tx.schema, tx.ctx, 'purge', om, id, {});
  const w = recordWrite(tx, om, 'purge', before, req);
  await phase(w, 'beforeValidate', 'validate');
  if (!before.deleted_at) throw new AppError('RECORD_NOT_DELETED', { object: om.name, id });
  await phase(w, 'beforeWrite');
  const version = (before.version as number) + 1;
  await run(om, true, () =>
    changeLog.write({ tx, om, kind: 'delete', id, version, action: 'purge', changes: {}, event: 'record.purged', payload: { object: om.name } }),
  );
  await written(w, undefined);
}
