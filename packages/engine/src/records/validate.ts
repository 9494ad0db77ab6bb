import { AppError, type Problem } from '@tangram/errors';
import { normalizeValue, valueProblem } from '@tangram/fields';
import type { ObjectModel } from '../model/compile';
import { storableProblem } from './storable';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** System fields a client may set on create (ids for imports and idempotent retries; the owner). */
const writableOnCreate = new Set(['id', 'owner_id']);
const writableOnUpdate = new Set(['owner_id']);
const systemReadOnly = new Set(['created_at', 'created_by', 'updated_at', 'updated_by', 'version', 'deleted_at', 'deleted_by']);

export type Mode = 'create' | 'update';

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/**
 * Checks a client's input against the object: unknown fields, read-only and computed fields,
 * types, formats, options, ranges. Every problem is reported (with its field), not just the
 * first. Returns the values by field name, normalised, in an object without a prototype.
 * Detail lines (master-detail children) are returned separately.
 */
export function validateInput(om: ObjectModel, input: unknown, mode: Mode): { values: Record<string, unknown>; details: Map<string, unknown> } {
  if (!isPlainObject(input)) throw new AppError('RECORD_INVALID', { problems: [{ code: 'RECORD_INVALID', message: 'the record must be a JSON object' }] });
  const problems: Problem[] = [];
  const values: Record<string, unknown> = Object.create(null);
  const details = new Map<string, unknown>();
  const detailKeys = new Map(om.details.map((d) => [(d.field.field.options.detailName as string | undefined) ?? d.object.name, d]));
  for (const key of Object.keys(input)) {
    const value = input[key];
    const f = om.byName.get(key);
    if (!f) {
      if (detailKeys.has(key)) details.set(key, value);
      else if ((mode === 'create' ? writableOnCreate : writableOnUpdate).has(key)) {
        if (value !== null && (typeof value !== 'string' || !uuid.test(value)))
          problems.push({ code: 'RECORD_INVALID', field: key, message: 'must be a uuid' });
        else values[key] = value;
      } else if (systemReadOnly.has(key) || key === 'id') problems.push({ code: 'RECORD_READ_ONLY_FIELD', field: key, message: 'is set by the system' });
      else problems.push({ code: 'FIELD_NOT_FOUND', field: key.slice(0, 100), message: `no field "${key.slice(0, 100)}"` });
      continue;
    }
    if (f.type.computed) {
      problems.push({ code: 'RECORD_READ_ONLY_FIELD', field: key, message: 'is computed' });
      continue;
    }
    if (value === null || value === undefined) {
      if (f.field.required) problems.push({ code: 'RECORD_INVALID', field: key, message: 'is required' });
      else values[key] = null;
      continue;
    }
    const problem = storableProblem(value) ?? valueProblem(f.field, value);
    if (problem) problems.push({ code: 'RECORD_INVALID', field: key, message: problem });
    else values[key] = normalizeValue(f.field, value);
  }
  if (problems.length) throw AppError.problems('RECORD_INVALID', problems);
  return { values, details };
}

/** After defaults are applied: required fields still without a value. */
export function missingRequired(om: ObjectModel, record: Record<string, unknown>): Problem[] {
  return om.fields
    .filter((f) => f.field.required && !f.type.computed && !f.type.reference?.master)
    .filter(
      (f) =>
        record[f.name] === null ||
        record[f.name] === undefined ||
        record[f.name] === '' ||
        (Array.isArray(record[f.name]) && (record[f.name] as unknown[]).length === 0),
    )
    .map((f) => ({ code: 'RECORD_INVALID' as const, field: f.name, message: 'is required' }));
}
