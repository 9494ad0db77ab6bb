import { lookupPathsOf } from '@tangram/fields';
import type { Automation, TimeUnit } from '@tangram/metadata';
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import { dueSlots, nextSlot } from '../jobs/cron';
import type { ObjectModel } from '../model/compile';
import { filterPredicate } from '../query/query';

// The due query of a time-triggered automation: ONE set-based statement over the object's table
// that finds the records whose moment fell in the sweep's window (from, to]. The date criterion
// is a range on the watched column(s) — each has an index (schema/desired-indexes.ts,
// `sweepColumns`) — so a sweep reads the records coming due, not the table.

export const timeTriggerKinds: ReadonlySet<string> = new Set(['schedule', 'date.relative', 'inactivity']);
export const isTimeTriggered = (a: Automation): boolean => timeTriggerKinds.has(a.trigger.kind);

const unitMs: Record<TimeUnit, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

/** The window a sweep covers: moments after `from` (the watermark), up to and including `to` (now). */
export interface SweepWindow {
  from: Date;
  to: Date;
}

/** What one automation's sweep asks for: the statement, and how each due row's episode is read. */
export interface DueQuery {
  query: RawBuilder<Record<string, unknown>>;
  /** The episode of a due row: what re-arms the rule when it changes. */
  episode(row: Record<string, unknown>): string;
  /** For a schedule: the tick run (the latest due slot) and how many earlier ticks were missed. */
  tick?: { slot: Date; missed: number };
}

/** The calendar day (YYYY-MM-DD) of an instant in a time zone. */
export function dayIn(t: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(t);
}

/**
 * `column`'s value puts its moment in (lo, hi] (the moment being the value itself): for a
 * datetime a timestamp range; for a date (midnight of that day in `timeZone`) a range of days —
 * midnight(D) ≤ t exactly when D ≤ the day of t. Both are plain ranges on the column: indexed.
 */
function range(om: ObjectModel, column: string, lo: Date, hi: Date, timeZone: string): Expression<SqlBool> {
  const ref = sql.ref(`r.${column}`);
  if (om.byColumn.get(column)?.kind === 'date') return sql<SqlBool>`(${ref} > ${dayIn(lo, timeZone)}::date and ${ref} <= ${dayIn(hi, timeZone)}::date)`;
  return sql<SqlBool>`(${ref} > ${lo.toISOString()}::timestamptz and ${ref} <= ${hi.toISOString()}::timestamptz)`;
}

const shifted = (t: Date, ms: number) => new Date(t.getTime() + ms);
const text = (v: unknown): string => (v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : String(v));

/**
 * `date.relative`: the moment is the field's value plus (after) or minus (before) the offset, so
 * a moment in (from, to] is a field value in (from ∓ offset, to ∓ offset]. The episode is the
 * field's value: moving the date re-arms the rule.
 */
function dateRelative(om: ObjectModel, a: Automation, w: SweepWindow, timeZone: string): { where: Expression<SqlBool>; episode: DueQuery['episode'] } {
  const t = a.trigger;
  const column = t.field as string;
  const offset = (t.offset?.amount ?? 0) * unitMs[t.offset?.unit ?? 'days'] * (t.direction === 'after' ? 1 : -1);
  return { where: range(om, column, shifted(w.from, -offset), shifted(w.to, -offset), timeZone), episode: (row) => text(row[column]) };
}

/**
 * `inactivity`: the last activity is the first set of `fields`, else the creation time; the
 * moment is that plus `days`. As a union of ranges — the first field in range; or it unset and
 * the second in range; … or all unset and created_at in range — each branch is served by its
 * column's index (a bitmap OR), where one range over a coalesce() would need an expression index.
 * The episode is `episodeField`'s value (default the first field): a new activity re-arms it.
 */
function inactivity(om: ObjectModel, a: Automation, w: SweepWindow, timeZone: string): { where: Expression<SqlBool>; episode: DueQuery['episode'] } {
  const t = a.trigger;
  const days = (t.days ?? 0) * unitMs.days;
  const [lo, hi] = [shifted(w.from, -days), shifted(w.to, -days)];
  const columns = [...(t.fields ?? []), 'created_at'];
  const branches = columns.map((column, i) => {
    const unset = columns.slice(0, i).map((c) => sql<SqlBool>`${sql.ref(`r.${c}`)} is null`);
    return sql<SqlBool>`(${sql.join([...unset, range(om, column, lo, hi, timeZone)], sql` and `)})`;
  });
  const episodeColumn = t.episodeField ?? t.fields?.[0];
  return { where: sql<SqlBool>`(${sql.join(branches, sql` or `)})`, episode: (row) => (episodeColumn ? text(row[episodeColumn]) : '') };
}

/** `schedule`: the latest cron slot in the window (earlier ones missed are counted, as the jobs module does); every record is due at it. */
function scheduleTick(a: Automation, w: SweepWindow, defaultZone: string): { slot: Date; missed: number } | undefined {
  const { cron, timeZone = defaultZone } = a.trigger;
  if (!cron) return undefined;
  const first = nextSlot(cron, timeZone, w.from);
  if (first > w.to) return undefined;
  const { slot, missed } = dueSlots(cron, timeZone, first, w.to);
  return { slot, missed };
}

/**
 * The condition as a SQL filter when it compiles as one (it usually does: conditions and list
 * filters are the same JSON Logic), so a sweep reads only matching records. It only narrows: the
 * condition is evaluated again in memory on each due record, the authority (as for event runs).
 */
function conditionFilter(om: ObjectModel, a: Automation, now: Date): Expression<SqlBool> | undefined {
  const condition = withoutLookups(a.condition);
  if (condition === undefined) return undefined;
  try {
    return filterPredicate(om, condition, { $now: now.toISOString() });
  } catch {
    return undefined;
  }
}

/**
 * The part of a condition SQL can narrow by: lookup paths (`account.level`) are read in memory,
 * so of an `and` only the terms without them are kept; any other condition that reads one, none.
 */
function withoutLookups(condition: unknown): unknown {
  if (condition === undefined || !lookupPathsOf(condition).length) return condition;
  const and = (condition as { and?: unknown }).and;
  const plain = Array.isArray(and) ? and.filter((c) => !lookupPathsOf(c).length) : [];
  return plain.length ? { and: plain } : undefined;
}

/** One automation's due query over the window; undefined when nothing can be due (a schedule with no tick in it). */
export function dueQuery(schema: string, om: ObjectModel, a: Automation, w: SweepWindow, timeZone: string): DueQuery | undefined {
  let criterion: { where: Expression<SqlBool>; episode: DueQuery['episode'] };
  let tick: DueQuery['tick'];
  if (a.trigger.kind === 'date.relative' && a.trigger.field) criterion = dateRelative(om, a, w, timeZone);
  else if (a.trigger.kind === 'inactivity') criterion = inactivity(om, a, w, timeZone);
  else if (a.trigger.kind === 'schedule') {
    tick = scheduleTick(a, w, timeZone);
    if (!tick) return undefined;
    const slot = tick.slot.toISOString();
    criterion = { where: sql<SqlBool>`true`, episode: () => slot };
  } else return undefined;
  const condition = conditionFilter(om, a, w.to);
  const where = [sql<SqlBool>`r.deleted_at is null`, criterion.where, ...(condition ? [condition] : [])];
  const columns = sql.join(om.selectColumns.map((c) => sql.ref(`r.${c}`)));
  const query = sql<Record<string, unknown>>`select ${columns} from ${sql.id(schema, om.table)} r where ${sql.join(where, sql` and `)}`;
  return { query, episode: criterion.episode, ...(tick ? { tick } : {}) };
}
