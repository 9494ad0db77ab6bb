import type { FieldModel, ObjectModel } from '../model/compile';
import { desiredIndexes } from '../schema/desired-indexes';
import { physical } from '../schema/naming';

/** A value as bound to its column: jsonb values go as JSON text (pg would send arrays as Postgres arrays). */
export function toColumnValue(f: FieldModel, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return f.type.toColumn ? f.type.toColumn(value) : value;
}

/** Record values (by field name) to a row (by column) for the fields present. */
export function toRow(om: ObjectModel, values: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const f of om.columnFields) if (f.name in values) row[f.column] = toColumnValue(f, values[f.name]);
  if ('owner_id' in values) row.owner_id = values.owner_id;
  return row;
}

const constraintCache = new WeakMap<ObjectModel, Map<string, string>>();

/** Maps the object's index and constraint names back to field names, for error messages. */
export function fieldOfConstraint(om: ObjectModel): (constraint: string) => string | undefined {
  let map = constraintCache.get(om);
  if (!map) {
    map = new Map([[`${om.table}_pkey`, 'id']]);
    for (const f of om.columnFields) map.set(physical(`${om.id}__ref_${f.column}`), f.name);
    for (const spec of desiredIndexes(om.def).values()) {
      const names = spec.columns.map((c) => om.byColumn.get(c)?.name ?? c);
      map.set(spec.name, names.join(','));
    }
    constraintCache.set(om, map);
  }
  const m = map;
  return (c) => m.get(c);
}
