import { AppError } from '@tangram/errors';
import { type Expression, type SqlBool, sql } from 'kysely';
import type { UserAccess } from '../access/access';
import type { Db } from '../db/database';
import { anyUuid } from '../db/sql-helpers';
import type { Model, ObjectModel } from '../model/compile';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isFileId(id: unknown): id is string {
  return typeof id === 'string' && uuid.test(id);
}

/**
 * Which of `ids` are files of this tenant the viewer may download. Without `access` (tenant
 * admins, the platform) every stored file. A member: the files they uploaded, and the files held
 * by an attachment field they may read of a live record in their read scope (roles' data scopes
 * and shares, exactly as lists apply them). One statement, whatever the number of objects.
 */
export async function downloadableFiles(db: Db, schema: string, model: Model, access: UserAccess | undefined, ids: string[]): Promise<Set<string>> {
  const wanted = [...new Set(ids.filter(isFileId).map((id) => id.toLowerCase()))];
  if (!wanted.length) return new Set();
  const ways: Expression<SqlBool>[] = [];
  if (access) {
    ways.push(sql<SqlBool>`f.created_by = ${access.userId}`);
    for (const om of model.byName.values()) {
      const holds = attachmentFields(om);
      if (!holds.length) continue;
      const oa = access.object(om);
      const read = oa.scope('read');
      const readable = holds.filter((f) => oa.readable(f));
      if (read.none || !readable.length) continue;
      // The record's value is a list of references: `[{"id": …}] <@ value` finds the file in it.
      const contains = sql.join(
        readable.map((f) => sql`${sql.id('r', om.byName.get(f)!.column)} @> jsonb_build_array(jsonb_build_object('id', f.id::text))`),
        sql` or `,
      );
      ways.push(
        sql<SqlBool>`exists (select 1 from ${sql.id(schema, om.table)} r where r.deleted_at is null and (${contains})${read.predicate ? sql` and ${read.predicate}` : sql``})`,
      );
    }
  }
  const allowed = access ? (ways.length === 1 ? ways[0]! : sql<SqlBool>`(${sql.join(ways, sql` or `)})`) : sql<SqlBool>`true`;
  const rows = await sql<{ id: string }>`select f.id from ${sql.id(schema, '_file')} f where f.id = ${anyUuid(wanted)} and ${allowed}`.execute(db);
  return new Set(rows.rows.map((r) => r.id));
}

/** Names of the object's attachment fields. */
function attachmentFields(om: ObjectModel): string[] {
  return om.fields.filter((f) => f.type.holdsFiles && f.type.storage === 'column').map((f) => f.name);
}

/** File ids in an attachment value (a list of `{id, name, …}`). */
function fileIds(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((v) => (v && typeof v === 'object' ? (v as { id?: unknown }).id : undefined)).filter(isFileId);
}

/**
 * A member may attach only files they may download. Otherwise anyone who learnt a file's id
 * could put it on a record of their own and read it through that record. References already on
 * the record stay as they are; ids that are not stored files (links kept by hand) grant nothing
 * and are left alone. Tenant admins are not checked.
 */
export async function assertAttachable(
  db: Db,
  schema: string,
  model: Model,
  access: UserAccess | undefined,
  om: ObjectModel,
  values: Record<string, unknown>,
  current: Record<string, unknown> | undefined,
): Promise<void> {
  if (!access) return;
  const added = new Map<string, string>();
  for (const name of attachmentFields(om)) {
    if (!(name in values)) continue;
    const before = new Set(fileIds(current?.[name]).map((id) => id.toLowerCase()));
    for (const id of fileIds(values[name])) if (!before.has(id.toLowerCase())) added.set(id.toLowerCase(), name);
  }
  if (!added.size) return;
  const ids = [...added.keys()];
  const stored = await sql<{ id: string }>`select id from ${sql.id(schema, '_file')} where id = ${anyUuid(ids)}`.execute(db);
  if (!stored.rows.length) return;
  const allowed = await downloadableFiles(db, schema, model, access, ids);
  const refused = stored.rows.map((r) => r.id).filter((id) => !allowed.has(id));
  if (refused.length)
    throw AppError.problems(
      'FILE_NOT_FOUND',
      refused.map((id) => ({ code: 'FILE_NOT_FOUND' as const, field: added.get(id) as string, id, message: 'no such file' })),
    );
}
