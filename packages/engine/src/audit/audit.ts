import { AppError } from '@tangram/errors';
import type { ResolvedApp } from '@tangram/metadata';
import type { Db } from '../db/database';
import { systemTables } from '../db/tables';
import type { ObjectModel } from '../model/compile';

export type AuditAction = 'create' | 'update' | 'delete' | 'restore' | 'revert' | 'transfer' | 'purge';

/** Field-level changes keyed by field id (stable across renames): `{ amount: [100, 120] }`. */
export type Changes = Record<string, [unknown, unknown]>;

/** Changed columns between two rows (by column = field id). */
export function diffRows(om: ObjectModel, before: Record<string, unknown> | undefined, after: Record<string, unknown>): Changes {
  const changes: Changes = {};
  for (const column of ['owner_id', ...om.columnFields.map((f) => f.column)]) {
    const a = before?.[column] ?? null;
    const b = after[column] ?? null;
    if (JSON.stringify(a) !== JSON.stringify(b)) changes[column] = [a, b];
  }
  return changes;
}

export interface HistoryEntry {
  version: number;
  action: AuditAction;
  at: string;
  actor: string | null;
  requestId: string | null;
  /**
   * What made the change besides its actor: an after-commit automation ("via automation X", with
   * its depth in a chain), or a record action ("via action X", depth 0).
   */
  via?: { automation?: string; action?: string; depth: number };
  /** By field name: `{ amount: { before: 100, after: 120 } }`. */
  changes: Record<string, { before: unknown; after: unknown }>;
}

function fieldNames(app: ResolvedApp, objectId: string): Map<string, string> {
  const def = app.objects.find((o) => o.id === objectId);
  const names = new Map<string, string>([['owner_id', 'owner_id']]);
  for (const f of def?.fields ?? []) names.set(f.id, f.name);
  return names;
}

async function auditRows(db: Db, schema: string, om: ObjectModel, recordId: string) {
  return systemTables(db, schema)
    .selectFrom('_audit')
    .select(['version', 'action', 'changes', 'actor', 'request_id', 'at', 'via'])
    .where('object_id', '=', om.id)
    .where('record_id', '=', recordId)
    .orderBy('version')
    .orderBy('id')
    .execute();
}

/** A record's history, oldest first, with field names as they are now. */
export async function history(db: Db, schema: string, app: ResolvedApp, om: ObjectModel, recordId: string): Promise<HistoryEntry[]> {
  const names = fieldNames(app, om.id);
  const rows = await auditRows(db, schema, om, recordId);
  if (!rows.length) throw new AppError('RECORD_NOT_FOUND', { object: om.name, id: recordId });
  return rows.map((r) => ({
    version: r.version,
    action: r.action as AuditAction,
    at: r.at,
    actor: r.actor,
    requestId: r.request_id,
    ...(r.via ? { via: r.via } : {}),
    changes: Object.fromEntries(Object.entries(r.changes).map(([id, [before, after]]) => [names.get(id) ?? id, { before, after }])),
  }));
}

/** The record's columns as they were at `version`, rebuilt by replaying its audit entries. */
export async function stateAt(db: Db, schema: string, om: ObjectModel, recordId: string, version: number): Promise<Record<string, unknown>> {
  const rows = await auditRows(db, schema, om, recordId);
  if (!rows.some((r) => r.version === version)) throw new AppError('VERSION_NOT_FOUND', { object: om.name, id: recordId, version });
  const state: Record<string, unknown> = {};
  for (const r of rows) {
    if (r.version > version) break;
    for (const [column, [, after]] of Object.entries(r.changes)) state[column] = after;
  }
  return state;
}
