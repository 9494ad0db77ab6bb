import type { Field } from '@tangram/metadata';
import type { JsonSchema } from '../field-type';

/** Options and checks shared by decimal, currency and percent (all numeric(p,s) columns). */
export function numericOptionsSchema(precision: number, scale: number, extra: JsonSchema = {}): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      precision: { type: 'integer', minimum: 1, maximum: 30, default: precision },
      scale: { type: 'integer', minimum: 0, maximum: 10, default: scale },
      min: { type: 'number' },
      max: { type: 'number' },
      ...extra,
    },
  };
}

export function numericColumn(f: Field): string {
  return `numeric(${Number(f.options.precision)},${Number(f.options.scale)})`;
}

export function numericValueSchema(f: Field): JsonSchema {
  return {
    type: 'number',
    ...(f.options.min !== undefined ? { minimum: f.options.min } : {}),
    ...(f.options.max !== undefined ? { maximum: f.options.max } : {}),
  };
}

/** Refuses values the column would round or overflow: nothing a user typed is changed silently. */
export function checkNumeric(value: unknown, f: Field): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a finite number';
  const precision = Number(f.options.precision);
  const scale = Number(f.options.scale);
  if (Math.abs(value) >= 10 ** (precision - scale)) return `must have at most ${precision - scale} digits before the decimal point`;
  const [, decimals = ''] = String(value).split('e')[0]?.split('.') ?? [];
  if (String(value).includes('e-') || decimals.length > scale) return `must have at most ${scale} decimal places`;
  return undefined;
}
