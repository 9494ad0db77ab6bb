import { AppError } from '@tangram/errors';
import type { Db } from '../db/database';
import { translatePgError } from '../db/pg-errors';
import { runShaped } from '../db/shaped-query';
import { type HistoryEntry, history, stateAt } from '../audit/audit';
import type { Model, ObjectModel } from '../model/compile';
import { type QueryOptions, type QueryResult, attachJunctions, queryRecords } from '../query/query';
import { expandRecords } from '../query/expand';
import { type AggregateOptions, aggregateRecords } from '../query/aggregate';
import { type ActionContext, type Authorizer, allowAll } from './context';
import { createOne, deleteOne, purgeOne, restoreOne, updateOne } from './pipeline';
import { recomputeRollups } from './rollups';
import { type RecordData, rowToRecord } from './row';
import type { Tx } from './tx';

export interface RecordServiceOptions {
  db: Db;
  schema: string;
  model: () => Promise<Model>;
  authorizer?: Authorizer;
  timeZone?: string;
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
  constructor(private readonly opts: RecordServiceOptions) {}

  private async object(name: string): Promise<{ model: Model; om: ObjectModel }> {
    const model = await this.opts.model();
    const om = model.byName.get(name);
    if (!om) throw new AppError('OBJECT_NOT_FOUND', { object: String(name).slice(0, 100) });
    return { model, om };
  }

  private async write<T>(ctx: ActionContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const model = await this.opts.model();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.opts.db.transaction().execute(async (trx) => {
          const tx: Tx = {
            trx,
            schema: this.opts.schema,
            model,
            ctx,
            auth: this.opts.authorizer ?? allowAll,
            now: new Date(),
            timeZone: this.opts.timeZone ?? 'Asia/Shanghai',
            touched: new Map(),
          };
          const result = await fn(tx);
          await recomputeRollups(tx);
          return result;
        });
      } catch (e) {
        const t = translatePgError(e);
        if (t instanceof AppError && t.code === 'SERIALIZATION_FAILURE' && attempt < 5) continue;
        throw t;
      }
    }
  }

  async create(object: string, input: unknown, ctx: ActionContext = {}): Promise<RecordData> {
    const { om } = await this.object(object);
    return this.write(ctx, (tx) => createOne(tx, om, input));
  }

  /** Creates many records in one transaction: all or none. A failure names the index of the record. */
  async bulkCreate(object: string, inputs: unknown[], ctx: ActionContext = {}): Promise<RecordData[]> {
    const { om } = await this.object(object);
    if (!Array.isArray(inputs) || inputs.length > maxBulk)
      throw new AppError('VALIDATION_FAILED', { field: 'records', message: `a list of at most ${maxBulk} records` });
    return this.write(ctx, async (tx) => {
      const out: RecordData[] = [];
      for (const [index, input] of inputs.entries()) out.push(await withIndex(index, () => createOne(tx, om, input)));
      return out;
    });
  }

  async get(object: string, id: string, opts: { expand?: string[]; deleted?: boolean } = {}, ctx: ActionContext = {}): Promise<RecordData> {
    const { model, om } = await this.object(object);
    const rid = checkId(object, id);
    const db = this.opts.db;
    const [row] = await runShaped<Record<string, unknown>>(
      db,
      om,
      'get',
      (v) => db.withSchema(this.opts.schema).selectFrom(om.table).select(om.selectColumns).where('id', '=', v(0)).compile(),
      [rid],
    );
    if (!row || (!!row.deleted_at && !opts.deleted)) throw new AppError('RECORD_NOT_FOUND', { object, id: rid });
    const record = rowToRecord(om, row);
    await (this.opts.authorizer ?? allowAll).authorize(ctx, 'read', om, record);
    await attachJunctions(this.opts.db, this.opts.schema, om, [record]);
    if (opts.expand?.length) await expandRecords(this.opts.db, this.opts.schema, model, om, [record], opts.expand);
    return record;
  }

  async update(object: string, id: string, input: unknown, opts: { version?: number } = {}, ctx: ActionContext = {}): Promise<RecordData> {
    const { om } = await this.object(object);
    const rid = checkId(object, id);
    return this.write(ctx, (tx) => updateOne(tx, om, rid, input, opts.version));
  }

  /** Updates several records by id (each with the version it read, if given), all or none. */
  async bulkUpdate(object: string, items: { id: string; version?: number; values: unknown }[], ctx: ActionContext = {}): Promise<RecordData[]> {
    const { om } = await this.object(object);
    if (!Array.isArray(items) || items.length > maxBulk)
      throw new AppError('VALIDATION_FAILED', { field: 'records', message: `a list of at most ${maxBulk} records` });
    return this.write(ctx, async (tx) => {
      const out: RecordData[] = [];
      for (const [index, it] of items.entries()) out.push(await withIndex(index, () => updateOne(tx, om, checkId(object, it?.id), it?.values, it?.version)));
      return out;
    });
  }

  async delete(object: string, id: string, opts: { version?: number } = {}, ctx: ActionContext = {}): Promise<RecordData> {
    const { om } = await this.object(object);
    const rid = checkId(object, id);
    return this.write(ctx, (tx) => deleteOne(tx, om, rid, opts.version));
  }

  async bulkDelete(object: string, ids: string[], ctx: ActionContext = {}): Promise<number> {
    const { om } = await this.object(object);
    if (!Array.isArray(ids) || ids.length > maxBulk) throw new AppError('VALIDATION_FAILED', { field: 'ids', message: `a list of at most ${maxBulk} ids` });
    return this.write(ctx, async (tx) => {
      for (const [index, id] of ids.entries()) await withIndex(index, () => deleteOne(tx, om, checkId(object, id)));
      return ids.length;
    });
  }

  async restore(object: string, id: string, ctx: ActionContext = {}): Promise<RecordData> {
    const { om } = await this.object(object);
    const rid = checkId(object, id);
    return this.write(ctx, (tx) => restoreOne(tx, om, rid));
  }

  async purge(object: string, id: string, ctx: ActionContext = {}): Promise<void> {
    const { om } = await this.object(object);
    const rid = checkId(object, id);
    await this.write(ctx, (tx) => purgeOne(tx, om, rid));
  }

  async query(object: string, opts: QueryOptions = {}): Promise<QueryResult> {
    const { model, om } = await this.object(object);
    return queryRecords(this.opts.db, this.opts.schema, model, om, opts);
  }

  /** Measures grouped by fields, in one SQL aggregate. */
  async aggregate(object: string, opts: AggregateOptions) {
    const { om } = await this.object(object);
    return aggregateRecords(this.opts.db, this.opts.schema, om, opts);
  }

  async history(object: string, id: string): Promise<HistoryEntry[]> {
    const { model, om } = await this.object(object);
    return history(this.opts.db, this.opts.schema, model.app, om, checkId(object, id));
  }

  /**
   * Restores a record's field values as they were at `version`, as a new version (nothing of the
   * history is rewritten). Fields archived since then are left alone; computed fields recompute.
   */
  async revert(object: string, id: string, version: number, ctx: ActionContext = {}): Promise<RecordData> {
    const { om } = await this.object(object);
    const rid = checkId(object, id);
    const state = await stateAt(this.opts.db, this.opts.schema, om, rid, version);
    const values: Record<string, unknown> = {};
    // A field with no entry up to that version had no value then.
    for (const f of om.fields) if (!f.type.computed && f.type.storage === 'column') values[f.name] = state[f.column] ?? null;
    if ('owner_id' in state) values.owner_id = state.owner_id;
    return this.write(ctx, (tx) => updateOne(tx, om, rid, values));
  }
}

async function withIndex<T>(index: number, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AppError) throw new AppError(e.code, { ...e.details, index }, e.message);
    throw e;
  }
}
