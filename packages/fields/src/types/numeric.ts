import type { Field } from '@tangram/metadata';
import type { FieldType, JsonSchema } from '../field-type';

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

/** numeric(p,s) values: rounding to the new scale must not overflow its digits. */
export const numericConversion: FieldType['conversion'] = {
  family: 'numeric',
  limit: (f) => ({ kind: 'digits', precision: Number(f.options.precision), scale: Number(f.options.scale) }),
};

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

/** The most significant digits a JSON number (an IEEE double) is guaranteed to carry exactly. */
export const maxSignificantDigits = 15;

/** Significant digits of a number as JavaScript writes it (the shortest form that reads back the same). */
export function significantDigits(value: number): number {
  const mantissa = String(Math.abs(value)).split('e')[0] ?? '';
  return mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
}

/** Decimal places of a number as JavaScript writes it, exponent included (1e-7 has 7, 1.5e-7 has 8). */
function decimalPlaces(value: number): number {
  const [mantissa = '', exponent = '0'] = String(Math.abs(value)).split('e');
  const decimals = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, decimals - Number(exponent));
}

/** Refuses values the column would round or overflow: nothing a user typed is changed silently. */
export function checkNumeric(value: unknown, f: Field): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a finite number';
  const precision = Number(f.options.precision);
  const scale = Number(f.options.scale);
  if (Math.abs(value) >= 10 ** (precision - scale)) return `must have at most ${precision - scale} digits before the decimal point`;
  if (decimalPlaces(value) > scale) return `must have at most ${scale} decimal places`;
  // A JSON number keeps 15 significant digits exactly (ADR 0002): more may have been rounded on the way in.
  if (significantDigits(value) > maxSignificantDigits)
    return `must have at most ${maxSignificantDigits} significant digits (a JSON number keeps no more exactly)`;
  return undefined;
}
