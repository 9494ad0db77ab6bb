import { evaluate, truthy } from '@tangram/logic';
import type { FieldRules } from '../layout/form-layout';

export interface FieldState {
  visible: boolean;
  required: boolean;
  readOnly: boolean;
}

function holds(rule: unknown, values: Record<string, unknown>, fallback: boolean): boolean {
  if (rule === undefined || rule === null) return fallback;
  try {
    // The server's evaluator (typed, null-aware): the form shows a rule as the server would decide it.
    return truthy(evaluate(rule, values, { $now: new Date().toISOString() }));
  } catch {
    // A rule that cannot be evaluated does not hide or lock a field: what the user typed stays reachable.
    return fallback;
  }
}

/** A field's live state from its rules and the values on the form. */
export function fieldState(rules: FieldRules | undefined, values: Record<string, unknown>, base: { required: boolean; readOnly: boolean }): FieldState {
  return {
    visible: holds(rules?.visible, values, true),
    required: base.required || holds(rules?.required, values, false),
    readOnly: base.readOnly || holds(rules?.readOnly, values, false),
  };
}
