import { AppError, type Problem } from '@tangram/errors';
import { evaluate, truthy } from '@tangram/logic';
import type { ObjectModel } from '../model/compile';
import type { ActionContext } from './context';

/** Runs the object's validation rules on the record as it would be written. */
export function checkValidationRules(om: ObjectModel, record: Record<string, unknown>, ctx: ActionContext, now: string): void {
  const problems: Problem[] = [];
  for (const r of om.def.validationRules) {
    let ok: boolean;
    try {
      ok = truthy(evaluate(r.rule, record, { $now: now, $user: { id: ctx.actor ?? null } }));
    } catch {
      ok = false;
    }
    if (!ok)
      problems.push({
        code: 'VALIDATION_RULE_FAILED',
        rule: r.id,
        ...(r.field ? { field: r.field } : {}),
        message: r.message['zh-CN'] ?? r.message.en ?? r.id,
        messages: r.message,
      });
  }
  if (problems.length) throw AppError.problems('VALIDATION_RULE_FAILED', problems);
}
