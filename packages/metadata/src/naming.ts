/** Names and ids of objects and fields: lower-case ASCII, digits and underscores, ≤ 63 bytes. */
export const namePattern = /^[a-z][a-z0-9_]{0,62}$/;

/** Columns every object table has; no field may take these names. */
export const systemColumns = [
  'id', 'created_at', 'created_by', 'updated_at', 'updated_by', 'owner_id', 'version',
  'deleted_at', 'deleted_by',
] as const;

/** SQL keywords that make awkward identifiers, plus names the API itself uses. */
const keywords = `all analyse analyze and any array as asc asymmetric both case cast check collate column
constraint create current_catalog current_date current_role current_time current_timestamp
current_user default deferrable desc distinct do else end except false fetch for foreign from
grant group having in initially intersect into lateral leading limit localtime localtimestamp not
null offset on only or order placing primary references returning select session_user some
symmetric table then to trailing true union unique user using variadic when where window with
authorization binary collation concurrently cross freeze full ilike inner is isnull join left like
natural notnull outer overlaps right similar tablesample verbose oid ctid xmin xmax cmin cmax
tableoid`;

const reserved = new Set<string>([...systemColumns, ...keywords.split(/\s+/)]);

export function isReservedName(name: string): boolean {
  return reserved.has(name) || name.startsWith('pg_') || name.startsWith('sys_');
}

export type NameProblem = 'NAME_INVALID' | 'NAME_RESERVED';

/** Why a name cannot be used, or undefined when it can. */
export function checkName(name: unknown): NameProblem | undefined {
  if (typeof name !== 'string' || !namePattern.test(name)) return 'NAME_INVALID';
  if (isReservedName(name)) return 'NAME_RESERVED';
  return undefined;
}
