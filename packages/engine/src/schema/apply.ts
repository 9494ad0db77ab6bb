import { AppError } from '@tangram/errors';
import type { DuplicateMatch, Field, ObjectDef, ResolvedApp } from '@tangram/metadata';
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../db/database';
import { duplicateKeySql } from './duplicate-key';
import type { Action } from './actions';
import { backfillField } from './backfill';
import { conversion } from './conversions';
import { junctionTable, physical } from './naming';

export interface ApplyContext {
  db: Db;
  schema: string;
  from: ResolvedApp | undefined;
  to: ResolvedApp;
  /** The designer accepts that type changes round values (fewer decimals, integers); other losses are still refused. */
  acceptRounding?: boolean;
}

type Handler<K extends Action['kind']> = (ctx: ApplyContext, a: Extract<Action, { kind: K }>) => Promise<void>;

const ts3 = sql`timestamptz(3)`;

function findField(app: ResolvedApp | undefined, objectId: string, fieldId: string): { object: ObjectDef; field: Field } {
  const object = app?.objects.find((o) => o.id === objectId);
  const field = object?.fields.find((f) => f.id === fieldId);
  if (!object || !field) throw new AppError('INTERNAL', { reason: `plan refers to unknown field ${objectId}.${fieldId}` });
  return { object, field };
}

/** What a type change would do to the data, counted before anything is altered. */
export interface ConversionCheck {
  /** Rows that refuse the change: values that cannot convert, and values that would be rounded unless rounding is accepted. */
  rows: number;
  /** Ids of some of those rows. */
  sample: string[];
  /** Rows whose value would be rounded (fewer decimals, an integer), whether or not that is accepted. */
  rounded: number;
}

async function countWhere(
  ctx: ApplyContext,
  object: string,
  column: string,
  where: RawBuilder<boolean> | undefined,
): Promise<{ rows: number; sample: string[] }> {
  if (!where) return { rows: 0, sample: [] };
  const rows = await ctx.db
    .withSchema(ctx.schema)
    .selectFrom(object)
    .select(['id'])
    .where(sql.ref(column), 'is not', null)
    .where(where)
    .orderBy('id')
    .limit(10)
    .execute();
  if (!rows.length) return { rows: 0, sample: [] };
  const { n } = await ctx.db
    .withSchema(ctx.schema)
    .selectFrom(object)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(sql.ref(column), 'is not', null)
    .where(where)
    .executeTakeFirstOrThrow();
  return { rows: Number(n), sample: rows.map((r) => r.id as string) };
}

/**
 * Counts the rows whose value would not survive a type change unchanged, before anything is
 * altered: nothing is converted silently. Rounded values refuse the change unless the designer
 * accepted rounding (`acceptRounding`).
 */
export async function failingRows(ctx: ApplyContext, a: Extract<Action, { kind: 'column.alterType' }>): Promise<ConversionCheck> {
  const { field: from } = findField(ctx.from, a.object, a.field);
  const { field: to } = findField(ctx.to, a.object, a.field);
  const conv = conversion(from, to, a.toSql);
  if (!conv) throw new AppError('FIELD_TYPE_CHANGE_UNSUPPORTED', { object: a.object, field: to.name, from: a.fromType, to: a.toType });
  const col = sql.ref(a.field);
  const failing = conv.failing(col);
  const rounded = conv.rounded(col);
  const refusing = ctx.acceptRounding ? failing : failing && rounded ? sql<boolean>`(${failing} or ${rounded})` : (failing ?? rounded);
  const refused = await countWhere(ctx, a.object, a.field, refusing);
  const roundedRows = await countWhere(ctx, a.object, a.field, rounded);
  return { ...refused, rounded: roundedRows.rows };
}

const handlers: { [K in Action['kind']]: Handler<K> } = {
  'table.create': async ({ db, schema }, a) => {
    await db.schema
      .withSchema(schema)
      .createTable(a.object)
      .addColumn('id', 'uuid', (c) => c.primaryKey())
      .addColumn('created_at', ts3, (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('created_by', 'uuid')
      .addColumn('updated_at', ts3, (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('updated_by', 'uuid')
      .addColumn('owner_id', 'uuid')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('deleted_at', ts3)
      .addColumn('deleted_by', 'uuid')
      .execute();
  },
  'table.archive': async () => {},
  'table.unarchive': async () => {},
  'column.add': async ({ db, schema }, a) => {
    await db.schema.withSchema(schema).alterTable(a.object).addColumn(a.field, sql.raw(a.sqlType)).execute();
  },
  'column.archive': async () => {},
  'column.unarchive': async () => {},
  'column.alterType': async (ctx, a) => {
    const { rows, sample, rounded } = await failingRows(ctx, a);
    if (rows > 0) {
      const { field } = findField(ctx.to, a.object, a.field);
      throw new AppError('FIELD_TYPE_CHANGE_LOSES_DATA', { object: a.object, field: field.name, rows, sample, rounded });
    }
    if (a.fromSql === a.toSql) return;
    const { field: from } = findField(ctx.from, a.object, a.field);
    const { field: to } = findField(ctx.to, a.object, a.field);
    const conv = conversion(from, to, a.toSql);
    if (!conv) throw new AppError('FIELD_TYPE_CHANGE_UNSUPPORTED', { object: a.object, field: to.name });
    await sql`alter table ${sql.id(ctx.schema, a.object)} alter column ${sql.id(a.field)} type ${sql.raw(a.toSql)} using ${conv.using(sql.ref(a.field))}`.execute(
      ctx.db,
    );
  },
  'fk.add': async ({ db, schema }, a) => {
    await db.schema
      .withSchema(schema)
      .alterTable(a.object)
      .addForeignKeyConstraint(physical(`${a.object}__ref_${a.field}`), [a.field], a.target, ['id'], (c) => c.onDelete(a.onDelete))
      .execute();
  },
  'junction.create': async ({ db, schema }, a) => {
    const table = junctionTable(a.object, a.field);
    await db.schema
      .withSchema(schema)
      .createTable(table)
      .addColumn('source_id', 'uuid', (c) => c.notNull().references(`${a.object}.id`).onDelete('cascade'))
      .addColumn('target_id', 'uuid', (c) => c.notNull().references(`${a.target}.id`).onDelete('cascade'))
      .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint(physical(`${table}_pk`), ['source_id', 'target_id'])
      .execute();
    await db.schema
      .withSchema(schema)
      .createIndex(physical(`${table}_target`))
      .on(table)
      .column('target_id')
      .execute();
  },
  'index.create': async ({ db, schema }, a) => {
    if (a.method === 'trgm') {
      await sql`create index ${sql.id(a.index)} on ${sql.id(schema, a.object)} using gin (${sql.id(a.columns[0] as string)} public.gin_trgm_ops)`.execute(db);
      return;
    }
    if (a.method.startsWith('dup-')) {
      const key = duplicateKeySql(a.columns[0] as string, a.method.slice(4) as DuplicateMatch);
      await sql`create index ${sql.id(a.index)} on ${sql.id(schema, a.object)} ((${key})) where deleted_at is null`.execute(db);
      return;
    }
    let ix = db.schema.withSchema(schema).createIndex(a.index).on(a.object).columns(a.columns);
    if (a.unique) ix = ix.unique().where(sql.ref('deleted_at'), 'is', null);
    try {
      await ix.execute();
    } catch (e) {
      if ((e as { code?: string }).code === '23505') throw new AppError('UNIQUE_VIOLATED_BY_DATA', { object: a.object, columns: a.columns });
      throw e;
    }
  },
  'index.drop': async ({ db, schema }, a) => {
    await db.schema.withSchema(schema).dropIndex(a.index).ifExists().execute();
  },
  'field.backfill': async (ctx, a) => {
    const { object, field } = findField(ctx.to, a.object, a.field);
    await backfillField(ctx.db, ctx.schema, ctx.to, object, field);
  },
  'metadata.change': async () => {},
  'ui.change': async () => {},
};

/** Executes a plan, one handler per action kind. Call inside the publishing transaction. */
export async function applyActions(ctx: ApplyContext, actions: Action[]): Promise<void> {
  for (const a of actions) await (handlers[a.kind] as Handler<Action['kind']>)(ctx, a);
}
