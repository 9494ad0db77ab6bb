import { AppError } from '@tangram/errors';
import { type Rule, type RuleVariables, bindVariables } from '@tangram/logic';
import { type AggregateValue, type UpdateTargetInput, queryTargetLimit } from '@tangram/metadata';
import { type Expression, type SqlBool, sql } from 'kysely';
import type { Db } from '../db/database';
import type { FieldModel, Model, ObjectModel } from '../model/compile';
import { aggregateRecords } from './aggregate';
import { filterPredicate, queryRecords } from './query';

// Values read from other records, and the records a query target updates (docs/guides/automations.md,
// "Values from other records"). Both read as the system — no one's read scope — the tenant's live
// records only (the schema is the tenant's), inside the transaction that writes: a before-save rule
// sees the write's own earlier changes. `$record`, `$target`, `$previous`, `$now` and `$user` are
// bound as constants before the filter is compiled by the query layer (constant comparisons fold).

/** Where a query reads: the transaction, the tenant's schema and the model it was published with. */
export interface QueryReader {
  trx: Db;
  schema: string;
  model: Model;
}

function objectOf(model: Model, id: string | undefined): ObjectModel {
  const om = model.byId.get(id ?? '');
  if (!om) throw new AppError('OBJECT_NOT_FOUND', { object: id });
  return om;
}

/** A field id of `om` (or a system column's name) as the query layer names it. */
function nameOf(om: ObjectModel, id: string): string {
  return om.byColumn.get(id)?.name ?? om.fields.find((f) => f.column === id)?.name ?? id;
}

const comparisons = new Set(['==', '===', '!=', '!==', '<', '<=', '>', '>=']);
const datetimeText = /^\d{4}-\d{2}-\d{2}T/;
const dateText = /^\d{4}-\d{2}-\d{2}$/;

/** A bound value for a field of `kind`: a datetime compared with a date field is its UTC day, a date compared with a datetime field its UTC midnight. */
function asKind(value: unknown, kind: string): unknown {
  if (typeof value !== 'string') return value;
  if (kind === 'date' && datetimeText.test(value)) {
    const t = Date.parse(value);
    return Number.isFinite(t) ? new Date(t).toISOString().slice(0, 10) : value;
  }
  if (kind === 'datetime' && dateText.test(value)) return `${value}T00:00:00.000Z`;
  return value;
}

/** The kind of the field `node` reads (`{"var": "closed_at"}`), if it reads one of `om`. */
function fieldKind(om: ObjectModel, node: unknown): string | undefined {
  const name = (node as { var?: unknown } | null)?.var;
  if (typeof node !== 'object' || node === null || typeof name !== 'string' || name.startsWith('$')) return undefined;
  return Object.hasOwn(om.logic.fields, name) ? om.logic.fields[name]?.kind : undefined;
}

/** Date and datetime values made to fit the date or datetime field each is compared with. */
function fitDates(om: ObjectModel, node: unknown): unknown {
  if (Array.isArray(node)) return node.map((n) => fitDates(om, n));
  if (typeof node !== 'object' || node === null) return node;
  const entries = Object.entries(node);
  if (entries.length !== 1) return node;
  const [op, arg] = entries[0] as [string, unknown];
  if (op === 'var') return node;
  const args = Array.isArray(arg) ? arg.map((a) => fitDates(om, a)) : fitDates(om, arg);
  if (comparisons.has(op) && Array.isArray(args)) {
    const kind = args.map((a) => fieldKind(om, a)).find((k) => k === 'date' || k === 'datetime');
    if (kind) return { [op]: args.map((a) => asKind(a, kind)) };
  }
  return { [op]: args };
}

/**
 * The filter with `$record`, `$target`, `$previous`, `$now` and `$user` bound as constants. A
 * value compared with a date field is made a date, with a datetime field a datetime (a deal's
 * `closed_at` against a period's first day); the query layer then folds constant comparisons.
 */
export function boundFilter(om: ObjectModel, filter: unknown, vars: RuleVariables): unknown {
  if (filter === undefined || filter === null) return undefined;
  return fitDates(om, bindVariables(filter as Rule, vars));
}

/** No plan cache for these filters: their constants change with every record (a scope keeps the query layer from caching). */
const uncached: Expression<SqlBool> = sql<SqlBool>`true`;

/** An aggregate's number as the field written holds it: rounded to its scale (whole for a field without one, e.g. integer). */
export function fitNumber(f: FieldModel, value: unknown): unknown {
  if (typeof value !== 'number' || f.kind !== 'number') return value;
  const scale = Number(f.field.options.scale ?? 0);
  return Number(value.toFixed(Number.isInteger(scale) && scale >= 0 && scale <= 10 ? scale : 0));
}

/** The value of an aggregate: 0 for count and sum of nothing, null for the others; `first` reads its field of the first record matched. */
export async function aggregateValue(r: QueryReader, g: AggregateValue, vars: RuleVariables): Promise<unknown> {
  const om = objectOf(r.model, g.object);
  const field = g.field === undefined ? undefined : nameOf(om, g.field);
  if (g.op === 'first') {
    const sort = (g.sort ?? []).map((s) => ({ field: nameOf(om, s.field), direction: s.direction }));
    const { records } = await queryRecords(r.trx, r.schema, r.model, om, {
      filter: boundFilter(om, g.filter, vars),
      scope: uncached,
      sort,
      limit: 1,
      fields: [field as string],
    });
    return records[0]?.[field as string] ?? null;
  }
  const { rows } = await aggregateRecords(r.trx, r.schema, om, {
    measures: [{ fn: g.op, ...(field ? { field } : {}), as: 'v' }],
    filter: boundFilter(om, g.filter, vars),
  });
  const v = rows[0]?.v;
  if (v === null || v === undefined) return g.op === 'count' ? 0 : null;
  return typeof v === 'number' ? v : Number(v);
}

/**
 * The ids of the live records a query target matches, in id order. More than `queryTargetLimit`
 * is an error (AUTOMATION_TARGET_TOO_MANY): a run updates all of them or none, never a silent part.
 */
export async function queryTargetIds(r: QueryReader, target: UpdateTargetInput, vars: RuleVariables): Promise<{ om: ObjectModel; ids: string[] }> {
  const om = objectOf(r.model, target.object);
  const filter = boundFilter(om, target.filter, vars);
  const where = filter === undefined ? sql<SqlBool>`true` : filterPredicate(om, filter);
  const rows = await sql<{ id: string }>`select r.id from ${sql.id(r.schema, om.table)} as r where r.deleted_at is null and ${where}
    order by r.id limit ${sql.lit(queryTargetLimit + 1)}`.execute(r.trx);
  if (rows.rows.length > queryTargetLimit)
    throw new AppError(
      'AUTOMATION_TARGET_TOO_MANY',
      { object: om.name, limit: queryTargetLimit },
      `the query target matches more than ${queryTargetLimit} ${om.name} records; narrow its filter`,
    );
  return { om, ids: rows.rows.map((x) => x.id) };
}

/** Reads the records a query target matched, by name, for `$target` of each one's values. */
export async function readTargets(r: QueryReader, om: ObjectModel, ids: string[]): Promise<Map<string, Record<string, unknown>>> {
  if (!ids.length) return new Map();
  const { records } = await queryRecords(r.trx, r.schema, r.model, om, { filter: { in: [{ var: 'id' }, ids] }, limit: Math.min(ids.length, 1000) });
  return new Map(records.map((x) => [x.id, x as Record<string, unknown>]));
}
