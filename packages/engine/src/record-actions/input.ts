import { AppError, type Problem } from '@tangram/errors';
import { inputAsField, normalizeValue, valueProblem } from '@tangram/fields';
import type { RecordActionInputField } from '@tangram/metadata';

// The small form a record action asks for: each value checked by its field type (as a field's
// value would be), every problem reported with its path (`/input/<name>`), defaults filled,
// unknown names refused.

const isBlank = (v: unknown) => v === undefined || v === null || v === '';

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
    out[f.name] = null;
    if (isBlank(v)) {
      if (f.required) problems.push({ code: 'RECORD_ACTION_INPUT_INVALID', path, field: f.name, message: 'is required' });
      continue;
    }
    const field = inputAsField(f);
    const problem = valueProblem(field, v);
    if (problem) problems.push({ code: 'RECORD_ACTION_INPUT_INVALID', path, field: f.name, message: problem });
    else out[f.name] = normalizeValue(field, v);
  }
  if (problems.length) throw AppError.problems('RECORD_ACTION_INPUT_INVALID', problems);
  return out;
}
