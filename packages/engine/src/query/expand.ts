import { anyUuid } from '../db/sql-helpers';
import { AppError } from '@tangram/errors';
import type { Db } from '../db/database';
import type { Model, ObjectModel } from '../model/compile';
import { type RecordData, rowToRecord } from '../model/row';
import type { UserAccess } from '../access/access';
import type { Expression, SqlBool } from 'kysely';

const maxExpand = 10;

/** The viewer's read scope on an object (undefined: everything) and a function hiding what they may not read. */
function readAccess(viewer: UserAccess | undefined, target: ObjectModel) {
  const oa = viewer?.object(target);
  return { scope: oa?.scope('read').predicate ?? undefined, strip: (r: RecordData) => (oa ? oa.strip(r) : r) };
}

async function fetchByIds(db: Db, schema: string, target: ObjectModel, ids: string[], viewer: UserAccess | undefined): Promise<Map<string, RecordData>> {
  if (!ids.length) return new Map();
  const { scope, strip } = readAccess(viewer, target);
  const rows = await db
    .withSchema(schema)
    .selectFrom(`${target.table} as r`)
    .select(target.selectColumns.map((c) => `r.${c}`))
    .where('r.id', '=', anyUuid(ids))
    .where('r.deleted_at', 'is', null)
    .$if(!!scope, (q) => q.where(scope as Expression<SqlBool>))
    .execute();
  return new Map(rows.map((r) => [r.id as string, strip(rowToRecord(target, r))]));
}

function expanded(r: RecordData): Record<string, unknown> {
  r.$expanded ??= {};
  return r.$expanded as Record<string, unknown>;
}

/**
 * Adds related records under `record.$expanded[name]`: the record a lookup points at, the records
 * of a many-to-many field, or a master's detail lines. One query per expanded name.
 */
export async function expandRecords(
  db: Db,
  schema: string,
  model: Model,
  om: ObjectModel,
  records: RecordData[],
  names: string[],
  viewer?: UserAccess,
): Promise<void> {
  if (names.length > maxExpand)
    throw new AppError('QUERY_INVALID', { problems: [{ code: 'QUERY_INVALID', path: '/expand', message: `at most ${maxExpand} expansions` }] });
  for (const name of names) {
    const f = om.byName.get(name);
    const detail = om.details.find((d) => ((d.field.field.options.detailName as string | undefined) ?? d.object.name) === name);
    if (f?.type.reference?.toObject && f.type.reference.shape === 'single') {
      const target = model.byId.get(f.field.options.target as string);
      if (!target) continue;
      const found = await fetchByIds(db, schema, target, [...new Set(records.map((r) => r[name]).filter((v): v is string => typeof v === 'string'))], viewer);
      for (const r of records) expanded(r)[name] = typeof r[name] === 'string' ? (found.get(r[name] as string) ?? null) : null;
    } else if (f?.type.reference?.toObject && f.type.reference.shape === 'junction') {
      const target = model.byId.get(f.field.options.target as string);
      if (!target) continue;
      const found = await fetchByIds(db, schema, target, [...new Set(records.flatMap((r) => (r[name] as string[] | undefined) ?? []))], viewer);
      for (const r of records) expanded(r)[name] = ((r[name] as string[] | undefined) ?? []).map((id) => found.get(id)).filter(Boolean);
    } else if (detail) {
      const ids = records.map((r) => r.id);
      const { scope, strip } = readAccess(viewer, detail.object);
      const rows = ids.length
        ? await db
            .withSchema(schema)
            .selectFrom(`${detail.object.table} as r`)
            .select(detail.object.selectColumns.map((c) => `r.${c}`))
            .where(`r.${detail.column}`, '=', anyUuid(ids))
            .where('r.deleted_at', 'is', null)
            .$if(!!scope, (q) => q.where(scope as Expression<SqlBool>))
            .orderBy('r.created_at')
            .orderBy('r.id')
            .execute()
        : [];
      const byMaster = new Map<string, RecordData[]>(ids.map((id) => [id, []]));
      for (const row of rows) byMaster.get(row[detail.column] as string)?.push(strip(rowToRecord(detail.object, row)));
      for (const r of records) expanded(r)[name] = byMaster.get(r.id) ?? [];
    } else {
      throw new AppError('QUERY_INVALID', {
        problems: [{ code: 'FIELD_NOT_FOUND', path: '/expand', field: name, message: `"${String(name).slice(0, 100)}" cannot be expanded` }],
      });
    }
  }
}
