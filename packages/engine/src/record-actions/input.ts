import { AppError, type Problem } from '@tangram/errors';
import { isCalendarDate } from '@tangram/fields';
import type { RecordActionInputField, RecordActionInputType } from '@tangram/metadata';

// The small form a record action asks for: each value checked against its field's type, every
// problem reported with its path (`/input/<name>`), defaults filled, unknown names refused.

const isBlank = (v: unknown) => v === undefined || v === null || v === '';

const typeProblems: Record<RecordActionInputType, (v: unknown, f: RecordActionInputField) => string | undefined> = {
  text: (v) => (typeof v !== 'string' ? 'must be text' : v.length > 1000 ? 'must be at most 1000 characters' : undefined),
  textarea: (v) => (typeof v !== 'string' ? 'must be text' : v.length > 10_000 ? 'must be at most 10000 characters' : undefined),
  integer: (v) => (Number.isSafeInteger(v) ? undefined : 'must be a whole number'),
  decimal: (v) => (typeof v === 'number' && Number.isFinite(v) ? undefined : 'must be a number'),
  currency: (v) => (typeof v === 'number' && Number.isFinite(v) ? undefined : 'must be an amount'),
  boolean: (v) => (typeof v === 'boolean' ? undefined : 'must be true or false'),
  date: (v) => (typeof v === 'string' && isCalendarDate(v) ? undefined : 'must be a date (YYYY-MM-DD)'),
  select: (v, f) => (typeof v === 'string' && (f.options ?? []).some((o) => o.key === v) ? undefined : `must be one of ${(f.options ?? []).map((o) => o.key).join(', ')}`),
};

/** The action's input, checked and with defaults: `$input` of its steps. Throws RECORD_ACTION_INPUT_INVALID (422) with every problem. */
export function checkInput(fields: RecordActionInputField[], raw: unknown): Record<string, unknown> {
  const problems: Problem[] = [];
  const given = raw === undefined || raw === null ? {} : raw;
  if (typeof given !== 'object' || Array.isArray(given))
    throw AppError.problems('RECORD_ACTION_INPUT_INVALID', [{ code: 'RECORD_ACTION_INPUT_INVALID', path: '/input', message: 'must be an object of values' }]);
  const values = given as Record<string, unknown>;
  const known = new Set(fields.map((f) => f.name));
  for (const k of Object.keys(values))
    if (!known.has(k)) problems.push({ code: 'RECORD_ACTION_INPUT_INVALID', path: `/input/${k.slice(0, 100)}`, message: 'the action asks for no such value' });
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = Object.hasOwn(values, f.name) ? values[f.name] : f.defaultValue;
    const path = `/input/${f.name}`;
    if (isBlank(v)) {
      if (f.required) problems.push({ code: 'RECORD_ACTION_INPUT_INVALID', path, field: f.name, message: 'is required' });
      out[f.name] = f.type === 'boolean' ? false : null;
      continue;
    }
    const problem = typeProblems[f.type](v, f);
    if (problem) problems.push({ code: 'RECORD_ACTION_INPUT_INVALID', path, field: f.name, message: problem });
    out[f.name] = v;
  }
  if (problems.length) throw AppError.problems('RECORD_ACTION_INPUT_INVALID', problems);
  return out;
}
