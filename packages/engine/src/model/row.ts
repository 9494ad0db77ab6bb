import type { ObjectModel } from './compile';
import { systemColumnList } from './compile';

/** A record as the API shows it: system fields, then each active field by its name. */
export type RecordData = Record<string, unknown> & { id: string; version: number };

/** A database row (columns named by field ids) to a record (keys are field names). */
export function rowToRecord(om: ObjectModel, row: Record<string, unknown>): RecordData {
  const out: Record<string, unknown> = {};
  for (const c of systemColumnList) if (c in row) out[c] = row[c];
  for (const f of om.columnFields) if (f.column in row) out[f.name] = row[f.column] ?? null;
  return out as RecordData;
}
