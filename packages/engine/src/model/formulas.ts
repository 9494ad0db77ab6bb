import { evaluate, truthy } from '@tangram/logic';
import type { FieldModel } from './compile';
import { isCalendarDate } from '@tangram/fields';

/** Coerces a formula's result to its declared type; what cannot be coerced becomes null. */
function coerce(f: FieldModel, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const o = f.field.options;
  switch (o.resultType) {
    case 'number': {
      const n = typeof value === 'number' ? value : Number(value);
      if (!Number.isFinite(n)) return null;
      const rounded = Number(n.toFixed(Number(o.scale)));
      return Math.abs(rounded) < 10 ** (Number(o.precision) - Number(o.scale)) ? rounded : null;
    }
    case 'boolean':
      return truthy(value);
    case 'date':
      return typeof value === 'string' && isCalendarDate(value) ? value : null;
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

/** Computes formula fields in declaration order (a formula may use the ones before it). */
export function computeFormulas(formulas: FieldModel[], record: Record<string, unknown>, now: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of formulas) {
    let value: unknown;
    try {
      value = evaluate(f.field.options.expression, { ...record, ...out }, { $now: now });
    } catch {
      value = null;
    }
    out[f.name] = coerce(f, value);
  }
  return out;
}
