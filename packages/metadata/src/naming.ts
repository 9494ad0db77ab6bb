/** Names and ids of objects and fields: lower-case ASCII, digits and underscores, ≤ 63 bytes. */
export const namePattern = /^[a-z][a-z0-9_]{0,62}$/;

/** Columns every object table has; no field may take these names. */
export const systemColumns = ['id', 'created_at', 'created_by', 'updated_at', 'updated_by', 'owner_id', 'version', 'deleted_at', 'deleted_by'] as const;

/**
 * Postgres's own system columns: a table cannot have a column of these names. SQL keywords are
 * fine (identifiers are always quoted), so `order`, `user` or `group` can name a field.
 */
const postgresSystem = ['oid', 'tableoid', 'xmin', 'xmax', 'cmin', 'cmax', 'ctid'];

/** Names that reach an object's prototype in JavaScript. */
const prototypeNames = ['constructor', 'prototype'];

const reserved = new Set<string>([...systemColumns, ...postgresSystem, ...prototypeNames]);

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
