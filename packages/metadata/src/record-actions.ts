import type { Problem } from '@tangram/errors';
import type { AutomationAction, AutomationActionInput } from './types';
import { AutomationNormalizer, type LocaleFn, type NameResolver } from './automations';
import type { ObjectDef, RecordAction, RecordActionInput, RecordActionInputField, RecordActionStep, RecordActionStepInput } from './types';

// Record actions (buttons): their steps reuse the automation action shapes, with `when` on every
// step and `as` / `dedupe` / `match` on createRecord. Field types, conditions and formulas are
// checked by @tangram/fields (record-action-checks.ts), which knows the field types.

const createOnly = ['as', 'dedupe', 'match'] as const;

class RecordActionNormalizer {
  private readonly actions: AutomationNormalizer;

  constructor(
    private readonly names: NameResolver,
    private readonly problems: Problem[],
    private readonly locale: LocaleFn,
  ) {
    this.actions = new AutomationNormalizer(names, problems, locale, false);
  }

  private invalid(path: string, message: string): void {
    this.problems.push({ code: 'RECORD_ACTION_INVALID', path, message });
  }

  private input(list: RecordActionInput['input'], path: string): RecordActionInputField[] {
    const seen = new Set<string>();
    return (list ?? []).map((f, i) => {
      const p = `${path}/${i}`;
      if (seen.has(f.name)) this.problems.push({ code: 'RECORD_ACTION_INPUT_FIELD_INVALID', path: `${p}/name`, message: `input "${f.name}" is named twice` });
      seen.add(f.name);
      const out: RecordActionInputField = { name: f.name, label: this.locale(f.label, f.name), type: f.type, required: f.required ?? false };
      if (f.defaultValue !== undefined) out.defaultValue = f.defaultValue;
      if (f.options) out.options = f.options.map((o) => ({ key: o.key, label: this.locale(o.label, o.key) }));
      return out;
    });
  }

  private step(s: RecordActionStepInput, o: ObjectDef | undefined, path: string, named: Set<string>): RecordActionStep {
    const { when, as, dedupe, match, ...rest } = s;
    const base: AutomationAction = this.actions.action(rest as AutomationActionInput, o, path, 'RECORD_ACTION_INVALID');
    const out: RecordActionStep = { ...base, kind: s.kind };
    if (when !== undefined) out.when = when;
    if (s.kind !== 'createRecord') {
      for (const k of createOnly) if (s[k] !== undefined) this.invalid(`${path}/${k}`, `a ${s.kind} step takes no "${k}" (only createRecord does)`);
      return out;
    }
    if (as !== undefined) {
      if (named.has(as))
        this.problems.push({ code: 'RECORD_ACTION_REFERENCE_INVALID', path: `${path}/as`, message: `"${as}" names an earlier step's record already` });
      named.add(as);
      out.as = as;
    }
    if (dedupe !== undefined && match !== undefined) this.invalid(`${path}/match`, 'a step finds an existing record by "dedupe" or by "match", not both');
    const created = s.object !== undefined ? this.names.object(s.object, `${path}/object`) : undefined;
    if (dedupe !== undefined && dedupe !== false && created) {
      const rules = created.duplicateRules.map((r) => r.id);
      if (dedupe === true && !rules.length) this.invalid(`${path}/dedupe`, `"${created.name}" has no duplicate rules to find an existing record by`);
      (Array.isArray(dedupe) ? dedupe : []).forEach((id, i) => {
        if (!rules.includes(id)) this.invalid(`${path}/dedupe/${i}`, `"${created.name}" has no duplicate rule "${id}"`);
      });
      out.dedupe = dedupe === true ? rules : dedupe;
    }
    if (match !== undefined && created) out.match = match.map((f, i) => this.names.field(created, f, `${path}/match/${i}`));
    return out;
  }

  /** `$created.<name>` in a step's formulas or `when` must name a record an earlier step creates (`as`). */
  private references(step: RecordActionStep, named: Set<string>, path: string): void {
    const seen = JSON.stringify([step.when ?? null, step.values ?? []]);
    for (const m of seen.matchAll(/"\$created\.([^".]*)/g)) {
      const name = m[1] as string;
      if (!named.has(name))
        this.problems.push({
          code: 'RECORD_ACTION_REFERENCE_INVALID',
          path,
          message: `"$created.${name}" names no record an earlier step creates (give that createRecord step "as": "${name}")`,
        });
    }
  }

  recordAction(input: RecordActionInput, path: string): RecordAction {
    const o = this.names.object(input.object, `${path}/object`);
    const named = new Set<string>();
    const actions = input.actions.map((s, i) => {
      const before = new Set(named);
      const step = this.step(s, o, `${path}/actions/${i}`, named);
      this.references(step, before, `${path}/actions/${i}`);
      return step;
    });
    const seen = new Set<string>();
    actions.forEach((a, i) => {
      if (seen.has(a.id)) this.problems.push({ code: 'NAME_DUPLICATE', path: `${path}/actions/${i}/id`, message: `step id "${a.id}" is used twice` });
      seen.add(a.id);
    });
    const out: RecordAction = {
      id: input.id ?? input.name,
      name: input.name,
      label: this.locale(input.label, input.name),
      object: o?.id ?? input.object,
      input: this.input(input.input, `${path}/input`),
      actions,
    };
    if (input.description !== undefined) out.description = this.locale(input.description, '');
    if (input.roles !== undefined) out.roles = [...new Set(input.roles)];
    if (input.condition !== undefined) out.condition = input.condition;
    if (input.confirm !== undefined) out.confirm = this.locale(input.confirm, '');
    return out;
  }
}

/**
 * Normalises an app's record actions: steps checked against their kind's shape (RECORD_ACTION_INVALID),
 * names resolved to ids, `$created.<as>` references checked against earlier steps.
 */
export function normalizeRecordActions(inputs: RecordActionInput[], names: NameResolver, problems: Problem[], locale: LocaleFn): RecordAction[] {
  const n = new RecordActionNormalizer(names, problems, locale);
  return inputs.map((a, i) => n.recordAction(a, `/recordActions/${i}`));
}
