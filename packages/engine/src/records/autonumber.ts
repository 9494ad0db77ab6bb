import { sql } from 'kysely';
import { systemTables } from '../db/tables';
import type { FieldModel, ObjectModel } from '../model/compile';
import type { Tx } from './tx';

// Building an Intl.DateTimeFormat is costly (a bulk import numbers thousands of records): one per zone.
const formats = new Map<string, Intl.DateTimeFormat>();

function dateParts(now: Date, timeZone: string): Record<'YYYY' | 'YY' | 'MM' | 'DD', string> {
  let format = formats.get(timeZone);
  if (!format) formats.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  const parts = Object.fromEntries(format.formatToParts(now).map((p) => [p.type, p.value]));
  return { YYYY: parts.year ?? '', YY: (parts.year ?? '').slice(2), MM: parts.month ?? '', DD: parts.day ?? '' };
}

/**
 * The next number of an auto-number field. The counter row is incremented inside the record's
 * transaction, so numbers never repeat under concurrency and a rolled-back create gives its
 * number back (no gaps). The counter restarts when the date part of the format changes.
 */
export async function nextNumber(
  tx: Pick<Tx, 'trx' | 'schema' | 'now' | 'timeZone'>,
  { om, field: f }: { om: ObjectModel; field: FieldModel },
): Promise<string> {
  const { trx, schema, now, timeZone } = tx;
  const format = f.field.options.format as string;
  const parts = dateParts(now, timeZone);
  const period = format.replace(/\{(YYYY|YY|MM|DD|0+)\}/g, (_, t: string) => (t in parts ? parts[t as keyof typeof parts] : '#'));
  const start = Number(f.field.options.start ?? 1);
  const row = await systemTables(trx, schema)
    .insertInto('_counter')
    .values({ object_id: om.id, field_id: f.column, period, value: start })
    .onConflict((oc) => oc.columns(['object_id', 'field_id', 'period']).doUpdateSet({ value: sql`${sql.ref('_counter.value')} + 1` }))
    .returning('value')
    .executeTakeFirstOrThrow();
  const n = String(row.value);
  return format.replace(/\{(YYYY|YY|MM|DD|0+)\}/g, (_, t: string) => (t in parts ? parts[t as keyof typeof parts] : n.padStart(t.length, '0')));
}
