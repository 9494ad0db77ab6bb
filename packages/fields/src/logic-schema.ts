import type { LogicField, LogicSchema, ValueKind } from '@tangram/logic';
import type { ObjectDef } from '@tangram/metadata';
import { kindOf } from './registry';

/** System columns as the condition language sees them. */
export const systemFieldKinds: Record<string, ValueKind> = {
  id: 'uuid',
  created_at: 'datetime',
  created_by: 'uuid',
  updated_at: 'datetime',
  updated_by: 'uuid',
  owner_id: 'uuid',
  version: 'number',
};

/**
 * The fields of an object the condition language may refer to, by name, with their columns.
 * Archived fields and fields that cannot be filtered on (many-to-many) are left out.
 */
export function logicSchema(object: ObjectDef): LogicSchema {
  const fields: Record<string, LogicField> = {};
  for (const [name, kind] of Object.entries(systemFieldKinds)) fields[name] = { name, column: name, kind };
  for (const f of object.fields) {
    const kind = kindOf(f);
    if (!f.archived && kind) fields[f.name] = { name: f.name, column: f.id, kind };
  }
  return { fields };
}
