import { createHash } from 'node:crypto';

/**
 * Physical names. A table is named by its object's stable id and a column by its field's stable
 * id, so renaming an object or field (its API name or label) never touches the database.
 */
export const tableName = (objectId: string): string => objectId;
export const columnName = (fieldId: string): string => fieldId;
export const junctionTable = (objectId: string, fieldId: string): string => physical(`${objectId}__${fieldId}`);

/** An index or constraint name, unique in the schema and within Postgres's 63 bytes. */
export function physical(name: string): string {
  if (name.length <= 63) return name;
  const hash = createHash('sha1').update(name).digest('hex').slice(0, 10);
  return `${name.slice(0, 52)}_${hash}`;
}
