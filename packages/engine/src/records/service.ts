import { AppError } from '@tangram/errors';
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { translatePgError } from '../db/pg-errors';
import { runShaped } from '../db/shaped-query';
import { type HistoryEntry, history, stateAt } from '../audit/audit';
import type { Model, ObjectModel } from '../model/compile';
import { type QueryOptions, type QueryResult, attachJunctions, queryRecords } from '../query/query';
import { expandRecords } from '../query/expand';
import { type AggregateOptions, aggregateRecords } from '../query/aggregate';
import type { ActionContext } from './context';
import { assertInScope } from '../access/enforce';
import { transferOwner } from './transfer';
import { createOne, deleteOne, purgeOne, restoreOne, updateOne } from './pipeline';
import { claimOne, recyclePool, releaseOne } from './pool';
import { Behaviours, runAfterCommit } from './behaviours';
import { coreBehaviours } from './core-behaviours';
import { type RecordData, rowToRecord } from './row';
import { NeedsTransaction, type SingleStatement, SingleStatementMissed, type Tx, tripwire } from './tx';

/** Objects (per model) whose creates or updates needed a transaction: not tried as one statement again. */
const needsTransaction = new WeakMap<ObjectModel, Set<'create' | 'update'>>();

export interface RecordServiceOptions {
  db: Db;
  schema: string;
  model: () => Promise<Model>;
  timeZone?: string;
  /** Seals pagination cursors (see query/cursor.ts). */
  cursorKey?: Buffer;
  /** The pipeline's behaviours (default: the core's own). */
  behaviours?: Behaviours;
  /** Where a write reads its time (timestamps, `$now` in before-save rules): the engine's clock. Default: the system's. */
  clock?: { now(): Date };
}

/** The lists of one bulk call: records to create, updates by id (with the version read), ids to delete. */
export interface BulkInput {
  create?: unknown[];
  update?: { id: string; version?: number; values: unknown }[];
  delete?: string[];
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const maxBulk = 1000;

function checkId(object: string, id: unknown): string {
  if (typeof id !== 'string' || !uuid.test(id)) throw new AppError('RECORD_NOT_FOUND', { object, id: String(id).slice(0, 100) });
  return id.toLowerCase();
}

/**
 * Records of one tenant: every write runs the pipeline (validate → compute → authorize → write →
 * audit → outbox) in one transaction, retried when Postgres reports a serialisation failure or
 * deadlock. Records are keyed by field names; `id` and `version` always come back.
 */
export class RecordService {
  /** The record pipeline's behaviours: register more with `behaviours.register(…)`. */
  readonly behaviours: Behaviours;

  constructor(private readonly opts: RecordServiceOptions) {
    this.behaviours = opts.behaviours ?? new Behaviours(coreBehaviours);
  }

  /** What one write carries through the pipeline (tx.ts). */
  private newTx(trx: Db, model: Model, ctx: ActionContext, now: Date, single?: SingleStatement): Tx {
    return {
      trx,
      schema: this.opts.schema,
      model,
      ctx,
      now,
      timeZone: this.opts.timeZone ?? 'Asia/Shanghai',
      touched: new Map(),
      created: new Map(),
      behaviours: this.behaviours,
      writes: [],
      afterCommit: [],
      ...(single ? { single } : {}),
    };
  }

  private async object(name: string): Promise<{ model: Model; om: ObjectModel }> {
    const model = await this.opts.model();
    const om = model.byName.get(name);
    if (!om) throw new AppError('OBJECT_NOT_FOUND', { object: String(name).slice(0, 100) });
    return { model, om };
  }

  private now(): Date {
    return this.opts.clock?.now() ?? new Date();
  }

  /** A record written for a viewer comes back without the fields they may not read. */
  private shown<T extends RecordData | RecordData[]>(ctx: ActionContext, om: ObjectModel, result: T): T {
    const oa = ctx.access?.object(om);
    if (oa) for (const r of Array.isArray(result) ? result : [result]) oa.strip(r);
    return result;
  }

  /**
   * Runs writes in one transaction with the pipeline's behaviours: `beforeCommit` ones once the
   * writes are done, `afterCommit` ones once it has committed (a retried attempt's are dropped
   * with it).
   */
  private async write<T>(ctx: ActionContext, fn: (tx: Tx) => Promise<T>, opts: { now?: Date } = {}): Promise<T> {
    const model = await this.opts.model();
    for (let attempt = 1; ; attempt++) {
      try {
        let hooks: (() => Promise<void>)[] = [];
        const result = await this.opts.db.transaction().execute(async (trx) => {
          const tx = this.newTx(trx, model, ctx, opts.now ?? this.now());
          hooks = tx.afterCommit;
          const result = await fn(tx);
          await this.behaviours.commit({ tx, writes: tx.writes });
          return result;
        });
        if (hooks.length) await runAfterCommit(hooks);
        return result;
      } catch (e) {
        const t = translatePgError(e);
        if (t instanceof AppError && t.code === 'SERIALIZATION_FAILURE' && attempt < 5) continue;
        throw t;
      }
    }
  }

  /**
   * One create or update, as one statement when it can be (after a read, for an update): no
   * transaction, the write guarded by the version read. It can be when nothing but the record's
   * read and its change-log write would run — no behaviour after the write that says otherwise
   * (`idleFor`), no detail lines or many-to-many lists given, no derived rollup columns on an
   * updated row — and nothing on the way asks for the transaction (a query of a behaviour, a
   * reference check, an auto-number): then, or if the record changed since it was read, the
   * write is made in a transaction as any other. The answer, the audit row and the event are
   * those the transaction would have given. An object whose writes needed the transaction is not
   * tried again under the same model.
   */
  private async writeOne<T>(ctx: ActionContext, om: ObjectModel, action: 'create' | 'update', input: unknown, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const model = await this.opts.model();
    if (model.byId.get(om.id) === om && this.singleStatement(model, om, action, input)) {
      const single: SingleStatement = { db: this.opts.db, tripped: false, written: false };
      const tx = this.newTx(tripwire(single), model, ctx, this.now(), single);
      let result: T;
      try {
        result = await fn(tx);
        await this.behaviours.commit({ tx, writes: tx.writes });
      } catch (e) {
        if (e instanceof NeedsTransaction || (single.tripped && !single.written)) {
          let learned = needsTransaction.get(om);
          if (!learned) needsTransaction.set(om, (learned = new Set()));
          learned.add(action);
        } else if (!(e instanceof SingleStatementMissed)) throw translatePgError(e);
        return this.write(ctx, fn);
      }
      if (tx.afterCommit.length) await runAfterCommit(tx.afterCommit);
      return result;
    }
    return this.write(ctx, fn);
  }

  private singleStatement(model: Model, om: ObjectModel, action: 'create' | 'update', input: unknown): boolean {
    if (needsTransaction.get(om)?.has(action) || !input || typeof input !== 'object' || Array.isArray(input)) return false;
    if (om.details.some((d) => ((d.field.field.options.detailName as string | undefined) ?? d.object.name) in input)) return false;
    if (action === 'create' ? om.junctions.length > 0 : om.junctions.some((j) => j.name in input)) return false;
    // Rollup columns change without a new version: an update's event would carry the value read.
    if (action === 'update' && om.rollups.length > 0) return false;
    return this.behaviours.idleAfterWrite(model, om, action);
  }

  /**
   * Writes through the pipeline inside a transaction the caller holds (a job's `ctx.complete`):
   * the same behaviours, audit and events as any write, committed with the caller's other effects.
   * Nothing is retried here; the `afterCommit` hooks are handed back for the caller to run once
   * its transaction has committed. Pass the `model` read before the transaction began.
   */
  async within<T>(
    trx: Db,
    ctx: ActionContext,
    fn: (w: {
      model: Model;
      tx: Tx;
      create(object: string, input: unknown): Promise<RecordData>;
      update(object: string, id: string, input: unknown): Promise<RecordData>;
    }) => Promise<T>,
    opts: { now?: Date; model?: Model } = {},
  ): Promise<{ result: T; afterCommit: (() => Promise<void>)[] }> {
    // Read before the transaction when possible: on PGlite the engine's db waits for the connection `trx` holds.
    const model = opts.model ?? (await this.opts.model());
    const tx = this.newTx(trx, model, ctx, opts.now ?? this.now());
    const om = (object: string) => {
      const found = model.byName.get(object);
      if (!found) throw new AppError('OBJECT_NOT_FOUND', { object: String(object).slice(0, 100) });
      return found;
    };
    const result = await fn({
      model,
      tx,
      create: (object, input) => createOne(tx, { om: om(object), input }),
      update: (object, id, input) => updateOne(tx, { om: om(object), id: checkId(object, id), input }),
    });
    await this.behaviours.commit({ tx, writes: tx.writes });
    return { result, afterCommit: tx.afterCommit };
  }

  async create(object: string, input: unknown, ctx: ActionContext = {}): Promise<RecordData> {
    const { om } = await this.object(object);
    return this.shown(ctx, om, await this.writeOne(ctx, om, 'create', input, (tx) => createOne(tx, { om, input })));
  }

  /** Creates many records in one transaction: all or none. A failure names the index of the record. */
  async bulkCreate(object: string, inputs: unknown[], ctx: ActionContext = {}): Promise<RecordData[]> {
    const { om } = await this.object(object);
    if (!Array.isArray(inputs) || inputs.length > maxBulk)
      throw new AppError('VALIDATION_FAILED', { field: 'records', message: `a list of at most ${maxBulk} records` });
    const created = await this.write(ctx, async (tx) => {
      const out: RecordData[] = [];
      for (const [index, input] of inputs.entries()) out.push(await withIndex({ index }, () => createOne(tx, { om, input })));
      return out;
    });
    return this.shown(ctx, om, created);
  }

  /**
   * Creates records of several objects in one transaction, in the order given (referenced
   * records first): all or none. A failure names the index. Used to load template sample data.
   */
  async createAcross(
    items: { object: string; input: unknown }[],
    ctx: ActionContext = {},
    opts: { onProgress?(done: number, total: number): void; acknowledgeFor?: string[] } = {},
  ): Promise<number> {
    const model = await this.opts.model();
    return this.write(ctx, async (tx) => {
      const ids: string[] = [];
      for (const [index, it] of items.entries()) {
        const om = model.byName.get(it.object);
        if (!om) throw new AppError('OBJECT_NOT_FOUND', { object: String(it.object).slice(0, 100), index });
        ids.push((await withIndex({ index }, () => createOne(tx, { om, input: it.input }))).id as string);
        if (opts.onProgress && (index + 1) % 100 === 0) {
          opts.onProgress(index + 1, items.length);
          // Let the event loop run (an in-process database may never leave the microtask queue), so progress reaches its listener now.
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      for (const c of opts.acknowledgeFor ?? []) await acknowledgeEvents(tx, c, ids);
      return items.length;
    });
  }

  async get(object: string, id: string, opts: { expand?: string[]; deleted?: boolean } = {}, ctx: ActionContext = {}): Promise<RecordData> {
    const { model, om } = await this.object(object);
    const rid = checkId(object, id);
    const db = this.opts.db;
    const oa = ctx.access?.object(om);
    if (oa) {
      oa.assertReadable(opts.expand ?? [], '/expand');
      await assertInScope(db, this.opts.schema, oa, rid, 'read');
    }
    const [row] = await runShaped<Record<string, unknown>>(
      db,
      om,
      'get',
      (v) => db.withSchema(this.opts.schema).selectFrom(om.table).select(om.selectColumns).where('id', '=', v(0)).compile(),
      [rid],
    );
    if (!row || (!!row.deleted_at && !opts.deleted)) throw new AppError('RECORD_NOT_FOUND', { object, id: rid });
    const record = rowToRecord(om, row);
    await attachJunctions(this.opts.db, this.opts.schema, om, [record]);
    if (opts.expand?.length) await expandRecords(this.opts.db, this.opts.schema, model, om, [record], opts.expand, ctx.access);
    return oa ? oa.strip(record) : record;
  }

  async update(object: string, id: string, input: unknown, opts: { version?: number } = {}, ctx: ActionContext = {}): Promise<RecordData> {
    const { om } = await this.object(object);
    const rid = checkId(object, id);
    return this.shown(ctx, om, await this.writeOne(ctx, om, 'update', input, (tx) => updateOne(tx, { om, id: rid, input, version: opts.version })));
  }

  /** Updates several records by id (each with the version it read, if given), all or none. */
  async bulkUpdate(object: string, items: { id: string; version?: number; values: unknown }[], ctx: ActionContext = {}): Promise<RecordData[]> {
    const { om } = await this.object(object);
    if (!Array.isArray(items) || items.length > maxBulk)
      throw new AppError('VALIDATION_FAILED', { field: 'records', message: `a list of at most ${maxBulk} records` });
    const updated = await this.write(ctx, async (tx) => {
      const out: RecordData[] = [];
      for (const [index, it] of items.entries())
        out.push(await withIndex({ index }, () => updateOne(tx, { om, id: checkId(object, it?.id), input: it?.values, version: it?.version })));
      return out;
    });
    return this.shown(ctx, om, updated);
  }

  /**
   * Creates, updates and deletes records of one object in one transaction, in that order: all or
   * nothing (a failing update leaves none of the creates behind, nor their audit rows or events).
   * A failure names the list and the index in it.
   */
  async bulk(object: string, input: BulkInput, ctx: ActionContext = {}): Promise<{ created: RecordData[]; updated: RecordData[]; deleted: number }> {
    const { om } = await this.object(object);
    for (const list of ['create', 'update', 'delete'] as const) {
      const items = input[list];
      if (items !== undefined && (!Array.isArray(items) || items.length > maxBulk))
        throw new AppError('VALIDATION_FAILED', { field: list, message: `a list of at most ${maxBulk} items` });
    }
    const done = await this.write(ctx, async (tx) => {
      const created: RecordData[] = [];
      const updated: RecordData[] = [];
      for (const [index, it] of (input.create ?? []).entries())
        created.push(await withIndex({ index, list: 'create' }, () => createOne(tx, { om, input: it })));
      for (const [index, it] of (input.update ?? []).entries())
        updated.push(
          await withIndex({ index, list: 'update' }, () => updateOne(tx, { om, id: checkId(object, it?.id), input: it?.values, version: it?.version })),
        );
      for (const [index, id] of (input.delete ?? []).entries())
        await withIndex({ index, list: 'delete' }, () => deleteOne(tx, { om, id: checkId(object, id) }));
      return { created, updated, deleted: input.delete?.length ?? 0 };
    });
    return { created: this.shown(ctx, om, done.created), updated: this.shown(ctx, om, done.updated), deleted: done.deleted };
  }

  async delete(object: string, id: string, opts: { version?: number } = {}, ctx: ActionContext = {}): Promise<RecordData> {
    const { om } = await this.object(object);
    const rid = checkId(object, id);
    return this.shown(ctx, om, await this.write(ctx, (tx) => deleteOne(tx, { om, id: rid, version: opts.version })));
  }

  async bulkDelete(object: string, ids: string[], ctx: ActionContext = {}): Promise<number> {
    const { om } = await this.object(object);
    if (!Array.isArray(ids) || ids.length > maxBulk) throw new AppError('VALIDATION_FAILED', { field: 'ids', message: `a list of at most ${maxBulk} ids` });
    return this.write(ctx, async (tx) => {
      for (const [index, id] of ids.entries()) await withIndex({ index }, () => deleteOne(tx, { om, id: checkId(object, id) }));
      return ids.length;
    });
  }

  async restore(object: string, id: string, ctx: ActionContext = {}): Promise<RecordData> {
    const { om } = await this.object(object);
    const rid = checkId(object, id);
    return this.shown(ctx, om, await this.write(ctx, (tx) => restoreOne(tx, { om, id: rid })));
  }

  /** Takes a record from the object's public pool (公海) for the caller. */
  async claim(object: string, id: string, ctx: ActionContext = {}): Promise<RecordData> {
    const { om } = await this.object(object);
    const rid = checkId(object, id);
    return this.shown(ctx, om, await this.write(ctx, (tx) => claimOne(tx, { om, id: rid })));
  }

  /** Returns a record to the object's public pool (退回公海). */
  async release(object: string, id: string, ctx: ActionContext = {}): Promise<RecordData> {
    const { om } = await this.object(object);
    const rid = checkId(object, id);
    return this.shown(ctx, om, await this.write(ctx, (tx) => releaseOne(tx, { om, id: rid })));
  }

  /**
   * Sends records nobody followed up back to their pools, for every object (or the one named)
   * with `publicPool.recycleAfterDays`; the counts moved, by object. Tenant admins and the system only.
   */
  async recyclePools(opts: { object?: string; now?: Date } = {}, ctx: ActionContext = {}): Promise<Record<string, number>> {
    if (ctx.access) throw new AppError('FORBIDDEN', { action: 'recycle', reason: 'only tenant admins recycle the public pools' });
    const model = await this.opts.model();
    const objects = opts.object ? [(await this.object(opts.object)).om] : [...model.byName.values()];
    const counts: Record<string, number> = {};
    for (const om of objects) {
      if (opts.object && !om.def.publicPool) throw new AppError('POOL_NOT_ENABLED', { object: om.name });
      const moved = await this.write(ctx, (tx) => recyclePool(tx, { om }), { now: opts.now });
      if (moved.length) counts[om.name] = moved.length;
    }
    return counts;
  }

  async purge(object: string, id: string, ctx: ActionContext = {}): Promise<void> {
    const { om } = await this.object(object);
    const rid = checkId(object, id);
    await this.write(ctx, (tx) => purgeOne(tx, { om, id: rid }));
  }

  /** Lists records; with `ctx.access`, only those in the viewer's read scope, without hidden fields. */
  async query(object: string, opts: QueryOptions = {}, ctx: ActionContext = {}): Promise<QueryResult> {
    const { model, om } = await this.object(object);
    const viewer = ctx.access;
    return queryRecords(this.opts.db, this.opts.schema, model, om, {
      ...opts,
      cursorKey: this.opts.cursorKey,
      ...(viewer ? { viewer, variables: { ...opts.variables, ...viewer.variables() } } : {}),
    });
  }

  /**
   * Everything matching a query, page by page, for export: needs the export permission, and
   * exports what both the read and the export scopes let through. At most `max` records.
   */
  async export(object: string, opts: QueryOptions = {}, ctx: ActionContext = {}, max = 100_000): Promise<{ records: RecordData[]; truncated: boolean }> {
    const { model, om } = await this.object(object);
    const viewer = ctx.access;
    if (viewer && !viewer.object(om).grants('export')) throw new AppError('FORBIDDEN', { object, action: 'export' });
    const records: RecordData[] = [];
    let after: string | undefined;
    const base: QueryOptions = { ...opts, limit: 1000, offset: undefined, count: false, purpose: 'export', cursorKey: this.opts.cursorKey };
    if (viewer) Object.assign(base, { viewer, variables: { ...opts.variables, ...viewer.variables() } });
    for (;;) {
      const page = await queryRecords(this.opts.db, this.opts.schema, model, om, { ...base, ...(after ? { after } : {}) });
      records.push(...page.records);
      if (!page.nextCursor || records.length >= max) return { records: records.slice(0, max), truncated: !!page.nextCursor || records.length > max };
      after = page.nextCursor;
    }
  }

  /** Creates records as an import: all or none, needing the import permission instead of create. */
  async import(object: string, inputs: unknown[], ctx: ActionContext = {}): Promise<RecordData[]> {
    return this.bulkCreate(object, inputs, { ...ctx, via: 'import' });
  }

  /** Measures grouped by fields, in one SQL aggregate (within the viewer's read scope). */
  async aggregate(object: string, opts: AggregateOptions, ctx: ActionContext = {}) {
    const { om } = await this.object(object);
    const viewer = ctx.access;
    return aggregateRecords(this.opts.db, this.opts.schema, om, viewer ? { ...opts, viewer, variables: { ...opts.variables, ...viewer.variables() } } : opts);
  }

  /**
   * A record's history. A viewer sees it only for records they may read, and only the fields
   * they may read: changes to hidden fields are left out, and so are entries made only of them.
   */
  async history(object: string, id: string, ctx: ActionContext = {}): Promise<HistoryEntry[]> {
    const { model, om } = await this.object(object);
    const rid = checkId(object, id);
    const oa = ctx.access?.object(om);
    if (oa) await assertInScope(this.opts.db, this.opts.schema, oa, rid, 'read');
    const entries = await history(this.opts.db, this.opts.schema, model.app, om, rid);
    if (!oa) return entries;
    const hiddenNames = new Set([...oa.hidden, ...om.def.fields.filter((f) => f.archived).map((f) => f.name)]);
    return entries
      .map((e) => ({ ...e, changes: Object.fromEntries(Object.entries(e.changes).filter(([name]) => !hiddenNames.has(name) && !oa.hidden.has(name))) }))
      .filter((e) => e.action !== 'update' || Object.keys(e.changes).length > 0);
  }

  /**
   * Gives records a new owner in one transaction, with an audit entry and an event per record.
   * `ids` or `filter` choose the records (within the viewer's transfer scope); with neither,
   * `from` must be given: everything that member owns.
   */
  async transfer(
    object: string,
    input: { ids?: unknown; filter?: unknown; from?: unknown; to?: unknown },
    ctx: ActionContext = {},
  ): Promise<{ transferred: number }> {
    const { om } = await this.object(object);
    const transferred = await this.write(ctx, (tx) => transferOwner(tx, { objects: [om], input }));
    return { transferred: transferred[om.name] ?? 0 };
  }

  /** Hands every record a member owns, in every object, to another member: one audited transaction. */
  async transferAll(input: { from?: unknown; to?: unknown }, ctx: ActionContext = {}): Promise<Record<string, number>> {
    const model = await this.opts.model();
    if (ctx.access) throw new AppError('FORBIDDEN', { action: 'transfer', reason: 'only tenant admins transfer everything a member owns' });
    const objects = [...model.byName.values()];
    return this.write(ctx, (tx) => transferOwner(tx, { objects, input: { from: input.from, to: input.to, includeDeleted: true } }));
  }

  /** Resolves an object and checks the viewer may share this record (they may update it). */
  async shareTarget(object: string, id: string, ctx: ActionContext, action: 'read' | 'update'): Promise<ObjectModel> {
    const { om } = await this.object(object);
    const rid = checkId(object, id);
    const oa = ctx.access?.object(om);
    if (oa) await assertInScope(this.opts.db, this.opts.schema, oa, rid, action);
    else {
      const found = await this.opts.db.withSchema(this.opts.schema).selectFrom(om.table).select('id').where('id', '=', rid).executeTakeFirst();
      if (!found) throw new AppError('RECORD_NOT_FOUND', { object, id: rid });
    }
    return om;
  }

  /**
   * Restores a record's field values as they were at `version`, as a new version (nothing of the
   * history is rewritten). Fields archived since then are left alone; computed fields recompute.
   * A member's revert touches only the fields they may edit: hidden and read-only ones keep their
   * values, so its answer is the same whether a hidden field differs or not.
   */
  async revert(object: string, id: string, version: number, ctx: ActionContext = {}): Promise<RecordData> {
    const { om } = await this.object(object);
    const rid = checkId(object, id);
    const oa = ctx.access?.object(om);
    if (oa) await assertInScope(this.opts.db, this.opts.schema, oa, rid, 'update');
    const state = await stateAt(this.opts.db, this.opts.schema, om, rid, version);
    const values: Record<string, unknown> = {};
    // A field with no entry up to that version had no value then.
    for (const f of om.fields)
      if (!f.type.computed && f.type.storage === 'column' && (!oa || oa.field(f.name) === 'edit')) values[f.name] = state[f.column] ?? null;
    // The owner comes back only for the unrestricted (for a member it is a transfer, not an edit).
    if ('owner_id' in state && !oa) values.owner_id = state.owner_id;
    const reverted = await this.write(ctx, (tx) => updateOne(tx, { om, id: rid, input: values }));
    return this.shown(ctx, om, reverted);
  }
}

async function withIndex<T>(at: { index: number; list?: 'create' | 'update' | 'delete' }, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AppError) throw new AppError(e.code, { ...e.details, ...at }, e.message);
    throw e;
  }
}

/** Marks the events of these records as handled by an outbox consumer, in the writing transaction: it will never be offered them. */
async function acknowledgeEvents(tx: Tx, consumer: string, recordIds: string[]): Promise<void> {
  if (!recordIds.length) return;
  await sql`
    delete from ${sql.id(tx.schema, '_outbox_pending')} p using ${sql.id(tx.schema, '_outbox')} e
    where p.event_id = e.id and p.consumer = ${consumer} and e.record_id = any(${recordIds}::uuid[])`.execute(tx.trx);
}
