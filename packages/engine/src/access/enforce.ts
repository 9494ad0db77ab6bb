import { AppError } from '@tangram/errors';
import { type Expression, type SqlBool, sql } from 'kysely';
import type { Db } from '../db/database';
import type { ObjectModel } from '../model/compile';
import type { ActionContext } from './context';
import type { ObjectAccess } from './access';
import type { ScopedAction } from './roles';

const notFound = (om: ObjectModel, id: string) => new AppError('RECORD_NOT_FOUND', { object: om.name, id });

function predicateSql(p: Expression<SqlBool> | null) {
  return p ?? sql<SqlBool>`true`;
}

/**
 * Checks one record against the viewer's scopes, in SQL (the same predicates lists use), inside
 * the caller's transaction. A record the viewer cannot read answers RECORD_NOT_FOUND, so ids
 * cannot be probed; one they can read but not act on answers FORBIDDEN.
 */
export async function assertInScope(db: Db, schema: string, oa: ObjectAccess, id: string, action: ScopedAction | 'read'): Promise<void> {
  const om = oa.om;
  const read = oa.scope('read');
  if (read.none) throw notFound(om, id);
  const act = action === 'read' ? read : oa.scope(action);
  if (read.predicate === null && act.predicate === null) return;
  const row = await sql<{ r: boolean; a: boolean }>`select ${predicateSql(read.predicate)} as r, ${predicateSql(act.predicate)} as a from ${sql.id(
    schema,
    om.table,
  )} r where r.id = ${id}`.execute(db);
  const found = row.rows[0];
  if (!found?.r) throw notFound(om, id);
  if (!found.a) throw new AppError('FORBIDDEN', { object: om.name, id, action });
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * The field-level part of a write: every field given must be editable for the viewer. A hidden
 * field is refused whatever its value (accepting an unchanged one would reveal it); a read-only
 * one is accepted only unchanged, so a form may send back what it showed.
 */
export function assertWritable(oa: ObjectAccess, values: Record<string, unknown>, current: Record<string, unknown> | undefined): void {
  const problems = [];
  for (const [name, value] of Object.entries(values)) {
    if (!oa.om.byName.has(name)) continue;
    const access = oa.field(name);
    if (access === 'hidden') problems.push({ code: 'FIELD_FORBIDDEN' as const, field: name, message: `you may not write "${name}"` });
    else if (access === 'read' && (!current || !same(current[name], value)))
      problems.push({ code: 'FIELD_READ_ONLY' as const, field: name, message: `"${name}" is read-only for you` });
  }
  if (problems.length) throw AppError.problems(problems[0]?.code ?? 'FIELD_READ_ONLY', problems);
}

/**
 * Authorises a write inside the pipeline, before anything is written. `values` are the fields
 * given by the caller (not computed ones). Field checks of updates follow in authorizeUpdateFields.
 */
export async function authorizeWrite(
  db: Db,
  schema: string,
  ctx: ActionContext,
  action: 'create' | 'update' | 'delete' | 'restore' | 'purge',
  om: ObjectModel,
  id: string | undefined,
  values: Record<string, unknown>,
): Promise<void> {
  if (!ctx.access) return;
  const oa = ctx.access.object(om);
  switch (action) {
    case 'create': {
      const needed = ctx.via === 'import' ? 'import' : 'create';
      if (!oa.can(needed)) throw new AppError('FORBIDDEN', { object: om.name, action: needed });
      assertWritable(oa, values, undefined);
      // Giving a record to someone else needs the transfer right; putting it in the public pool does not.
      const toPool = values.owner_id === null && om.def.publicPool !== undefined;
      if (values.owner_id !== undefined && values.owner_id !== ctx.actor && !toPool && !oa.grants('transfer'))
        throw new AppError('FORBIDDEN', { object: om.name, action: 'transfer', field: 'owner_id' });
      return;
    }
    case 'update': {
      await assertInScope(db, schema, oa, id as string, 'update');
      return;
    }
    case 'delete':
    case 'restore':
      await assertInScope(db, schema, oa, id as string, 'delete');
      return;
    case 'purge':
      throw new AppError('FORBIDDEN', { object: om.name, id, action: 'purge', reason: 'only tenant admins empty the recycle bin' });
  }
}

/** The field checks of an update, once the version is known to match. */
export async function authorizeUpdateFields(
  db: Db,
  schema: string,
  ctx: ActionContext,
  om: ObjectModel,
  id: string,
  values: Record<string, unknown>,
  current: Record<string, unknown>,
): Promise<void> {
  if (!ctx.access) return;
  const oa = ctx.access.object(om);
  assertWritable(oa, values, current);
  if (values.owner_id !== undefined && !same(values.owner_id, current.owner_id)) await assertInScope(db, schema, oa, id, 'transfer');
}
