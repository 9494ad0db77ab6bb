import { fieldTypes } from '@tangram/fields';
import type { Automation, DuplicateMatch, ObjectDef } from '@tangram/metadata';
import { physical } from './naming';

export interface IndexSpec {
  name: string;
  columns: string[];
  unique: boolean;
  /** `dup-*`: an index on a duplicate rule's key (查重), one column, for records not in the recycle bin. */
  method: 'btree' | 'trgm' | `dup-${DuplicateMatch}`;
}

/**
 * The indexes an object's metadata asks for, by physical name: unique fields (among records
 * not in the recycle bin), indexed fields, every reference (for joins and related lists), the
 * owner (for data scopes), trigram indexes for the search fields, the keys of duplicate rules,
 * declared composite indexes, and the date columns the sweeps of time-triggered automations
 * range over (`sweepColumns`) when no other index starts with them.
 */
export function desiredIndexes(object: ObjectDef, automations: readonly Automation[] = []): Map<string, IndexSpec> {
  const out = new Map<string, IndexSpec>();
  const add = (key: string, columns: string[], unique: boolean, method: IndexSpec['method'] = 'btree') => {
    const name = physical(`${object.id}__${key}`);
    out.set(name, { name, columns, unique, method });
  };
  add('owner', ['owner_id'], false);
  const active = object.fields.filter((f) => !f.archived && fieldTypes[f.type].storage === 'column');
  for (const f of active) {
    if (f.unique || fieldTypes[f.type].alwaysUnique) add(`u_${f.id}`, [f.id], true);
    else if (f.indexed) add(`i_${f.id}`, [f.id], false);
    if (fieldTypes[f.type].reference?.shape === 'single' && !f.unique) add(`fk_${f.id}`, [f.id], false);
  }
  const byId = new Map(active.map((f) => [f.id, f]));
  for (const id of object.searchFields) {
    const f = byId.get(id);
    if (f && fieldTypes[f.type].textSearch) add(`s_${f.id}`, [f.id], false, 'trgm');
  }
  for (const r of object.duplicateRules) if (byId.has(r.field)) add(`d_${r.field}_${r.match}`, [r.field], false, `dup-${r.match}`);
  const activeIds = new Set(active.map((f) => f.id));
  for (const ix of object.indexes) if (ix.fields.every((id) => activeIds.has(id))) add(`x_${ix.id}`, ix.fields, ix.unique);
  const led = (column: string) => [...out.values()].some((ix) => ix.method === 'btree' && ix.columns[0] === column);
  for (const a of automations) {
    if (a.object !== object.id) continue;
    for (const column of sweepColumns(a)) if ((column === 'created_at' || activeIds.has(column)) && !led(column)) add(`t_${column}`, [column], false);
  }
  return out;
}

/**
 * The columns a time-triggered automation's sweep ranges over, each of which must be served by
 * an index: a `date.relative` rule's date field; an `inactivity` rule's activity fields and the
 * creation time (the last activity is the first of them that is set). Schedules range over none.
 */
export function sweepColumns(a: Automation): string[] {
  if (a.trigger.kind === 'date.relative') return a.trigger.field ? [a.trigger.field] : [];
  if (a.trigger.kind === 'inactivity') return [...(a.trigger.fields ?? []), 'created_at'];
  return [];
}
