import { evaluate } from '@tangram/logic';
import type { FieldModel } from './compile';

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
    out[f.name] = f.type.coerce ? f.type.coerce(value, f.field) : value;
  }
  return out;
}
