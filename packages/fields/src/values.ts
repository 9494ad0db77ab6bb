import type { Field } from '@tangram/metadata';
import Ajv, { type ValidateFunction } from 'ajv';
import { fieldTypes } from './registry';

const ajv = new Ajv({ allErrors: true, strict: false });
const cache = new WeakMap<Field, ValidateFunction>();

/** Why `value` cannot be stored in `field`, or undefined when it can (null is checked by the caller). */
export function valueProblem(field: Field, value: unknown): string | undefined {
  let validate = cache.get(field);
  if (!validate) {
    validate = ajv.compile(fieldTypes[field.type].valueSchema(field));
    cache.set(field, validate);
  }
  if (!validate(value)) return validate.errors?.map((e) => `${e.instancePath || 'value'} ${e.message}`).join('; ');
  return fieldTypes[field.type].check?.(value, field);
}

/** The value as it is written (e.g. datetimes in UTC); call after `valueProblem` said it is valid. */
export function normalizeValue(field: Field, value: unknown): unknown {
  const normalize = fieldTypes[field.type].normalize;
  return normalize ? normalize(value, field) : value;
}
