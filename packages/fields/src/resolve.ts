import { AppError, type Problem } from '@tangram/errors';
import { checkRule } from '@tangram/logic';
import { type Field, type FieldTypeCatalogue, type ObjectDef, type ResolvedApp, type View, normalizeApp } from '@tangram/metadata';
import Ajv, { type ValidateFunction } from 'ajv';
import { automationProblems, rulePathProblems } from './automation-checks';
import { recordActionProblems } from './record-action-checks';
import { workflowProblems } from './workflow-checks';
import { logicSchema } from './logic-schema';
import type { FieldType } from './field-type';
import { fieldTypes, kindOf } from './registry';
import { valueProblem } from './values';

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
const optionValidators = new Map<string, ValidateFunction>();

const catalogue: FieldTypeCatalogue = {
  resolveOptions(type, options, path) {
    let validate = optionValidators.get(type);
    if (!validate) {
      validate = ajv.compile(fieldTypes[type].optionsSchema);
      optionValidators.set(type, validate);
    }
    const copy = structuredClone(options);
    if (validate(copy)) return { options: copy, problems: [] };
    const problems: Problem[] = (validate.errors ?? []).map((e) => ({
      code: 'FIELD_OPTIONS_INVALID',
      path: `${path}${e.instancePath}`,
      message: e.message ?? 'invalid',
    }));
    return { options: copy, problems };
  },
  titleCandidate: (type) => fieldTypes[type].titleCandidate === true,
};

type Check = (object: ObjectDef, field: Field, path: string, byId: Map<string, ObjectDef>) => Problem[];

function referenceCheck(_object: ObjectDef, field: Field, path: string, byId: Map<string, ObjectDef>): Problem[] {
  const target = byId.get(field.options.target as string);
  if (!target || target.archived) return [{ code: 'REFERENCE_TARGET_UNKNOWN', path: `${path}/options/target`, message: `no object "${field.options.target}"` }];
  return [];
}

function rollupCheck(object: ObjectDef, field: Field, path: string, byId: Map<string, ObjectDef>): Problem[] {
  const child = byId.get(field.options.object as string);
  if (!child) return [{ code: 'REFERENCE_TARGET_UNKNOWN', path: `${path}/options/object`, message: `no object "${field.options.object}"` }];
  const via = child.fields.find((f) => f.id === field.options.via);
  const problems: Problem[] = [];
  const viaRef = via && fieldTypes[via.type].reference;
  if (!via || viaRef?.shape !== 'single' || !viaRef.toObject || via.options.target !== object.id)
    problems.push({
      code: 'FIELD_OPTIONS_INVALID',
      path: `${path}/options/via`,
      message: `"${field.options.via}" must be a lookup or master-detail field of "${child.id}" pointing at "${object.id}"`,
    });
  if (field.options.aggregate !== 'count') {
    const measured = child.fields.find((f) => f.id === field.options.field);
    if (!measured || kindOf(measured) !== 'number')
      problems.push({
        code: 'FIELD_OPTIONS_INVALID',
        path: `${path}/options/field`,
        message: `${field.options.aggregate} needs a numeric field of "${child.id}"`,
      });
  }
  return problems;
}

function formulaCheck(object: ObjectDef, field: Field, path: string): Problem[] {
  try {
    const { rule, kind } = checkRule(field.options.expression, logicSchema(object), { context: 'formula', variables: ['$now'] });
    // Keep the normalised rule (datetime literals in UTC, uuids lower-case): it is what runs.
    field.options.expression = rule;
    const expected = field.options.resultType;
    if (kind !== 'null' && kind !== expected && !(expected === 'text' && kind !== 'json'))
      return [{ code: 'RULE_TYPE_MISMATCH', path: `${path}/options/expression`, message: `the expression gives ${kind}, not ${expected}` }];
    return [];
  } catch (e) {
    return rulePathProblems(e, `${path}/options/expression`);
  }
}

const computedChecks: Partial<Record<string, Check>> = { aggregate: rollupCheck, expression: formulaCheck };

function typeCheck(type: FieldType): Check | undefined {
  if (type.reference?.toObject) return referenceCheck;
  return type.computed ? computedChecks[type.computed] : undefined;
}

function fieldProblems(object: ObjectDef, field: Field, path: string, byId: Map<string, ObjectDef>): Problem[] {
  const type = fieldTypes[field.type];
  const problems = typeCheck(type)?.(object, field, path, byId) ?? [];
  if ((field.unique || field.indexed) && !type.indexable)
    problems.push({
      code: 'FIELD_OPTIONS_INVALID',
      path: `${path}/${field.unique ? 'unique' : 'indexed'}`,
      message: `a ${field.type} field cannot be indexed`,
    });
  if (field.defaultValue !== undefined && field.defaultValue !== null) {
    const problem = type.computed ? 'a computed field has no default' : valueProblem(field, field.defaultValue);
    if (problem) problems.push({ code: 'FIELD_OPTIONS_INVALID', path: `${path}/defaultValue`, message: problem });
  }
  return problems;
}

function objectProblems(object: ObjectDef, path: string, byId: Map<string, ObjectDef>): Problem[] {
  const problems: Problem[] = [];
  object.fields.forEach((f, i) => {
    if (!f.archived) problems.push(...fieldProblems(object, f, `${path}/fields/${i}`, byId));
  });
  const byFieldId = new Map(object.fields.map((f) => [f.id, f]));
  object.indexes.forEach((ix, i) => {
    ix.fields.forEach((id, j) => {
      const f = byFieldId.get(id);
      if (f && (!fieldTypes[f.type].indexable || fieldTypes[f.type].storage !== 'column'))
        problems.push({ code: 'FIELD_OPTIONS_INVALID', path: `${path}/indexes/${i}/fields/${j}`, message: `a ${f.type} field cannot be indexed` });
    });
  });
  object.duplicateRules.forEach((r, i) => {
    const f = byFieldId.get(r.field);
    if (f && (f.archived || !fieldTypes[f.type].duplicateMatches))
      problems.push({
        code: 'FIELD_OPTIONS_INVALID',
        path: `${path}/duplicateRules/${i}/field`,
        message: f.archived ? `field "${f.name}" is archived` : `a ${f.type} field cannot be checked for duplicates (text, email or phone)`,
      });
  });
  const activity = object.publicPool?.activityField;
  if (activity !== undefined) {
    const f = byFieldId.get(activity);
    if (f && (f.archived || !fieldTypes[f.type].temporal))
      problems.push({
        code: 'FIELD_OPTIONS_INVALID',
        path: `${path}/publicPool/activityField`,
        message: f.archived ? `field "${f.name}" is archived` : `the last follow-up must be a date or datetime field, not ${f.type}`,
      });
  }
  const schema = logicSchema(object);
  object.validationRules.forEach((r, i) => {
    try {
      r.rule = checkRule(r.rule, schema, { context: 'validation', variables: ['$user', '$now'] }).rule;
    } catch (e) {
      problems.push(...rulePathProblems(e, `${path}/validationRules/${i}/rule`));
    }
  });
  return problems;
}

const ruleVariables = ['$user', '$now'];

/** Forms and views: rules and filters checked against their object, fields fit for their use. */
function uiProblems(app: ResolvedApp, byId: Map<string, ObjectDef>): Problem[] {
  const problems: Problem[] = [];
  const fieldOf = (o: ObjectDef, id: string | undefined) => o.fields.find((f) => f.id === id);
  app.forms.forEach((form, i) => {
    const o = byId.get(form.object);
    if (!o) return;
    const schema = logicSchema(o);
    for (const [fieldId, rules] of Object.entries(form.rules)) {
      const name = fieldOf(o, fieldId)?.name ?? fieldId;
      for (const key of ['visible', 'required', 'readOnly'] as const) {
        if (rules[key] === undefined) continue;
        try {
          rules[key] = checkRule(rules[key], schema, { context: 'validation', variables: ruleVariables }).rule;
        } catch (e) {
          problems.push(...rulePathProblems(e, `/forms/${i}/rules/${name}/${key}`));
        }
      }
    }
  });
  app.views.forEach((view: View, i) => {
    const o = byId.get(view.object);
    if (!o) return;
    const path = `/views/${i}`;
    if (view.filter !== undefined) {
      try {
        view.filter = checkRule(view.filter, logicSchema(o), { context: 'filter', variables: ruleVariables }).rule;
      } catch (e) {
        problems.push(...rulePathProblems(e, `${path}/filter`));
      }
    }
    view.sort.forEach((s, j) => {
      const f = fieldOf(o, s.field);
      if (f && (!fieldTypes[f.type].sortable || fieldTypes[f.type].storage !== 'column'))
        problems.push({ code: 'METADATA_INVALID', path: `${path}/sort/${j}/field`, message: `a ${f.type} field cannot be sorted on` });
    });
    const group = fieldOf(o, view.groupBy);
    if (view.groupBy !== undefined && group && !fieldTypes[group.type].kanbanLanes)
      problems.push({ code: 'METADATA_INVALID', path: `${path}/groupBy`, message: 'a kanban groups by a select field' });
    for (const key of ['dateField', 'endDateField'] as const) {
      const f = fieldOf(o, view[key]);
      if (view[key] !== undefined && f && !fieldTypes[f.type].temporal)
        problems.push({ code: 'METADATA_INVALID', path: `${path}/${key}`, message: 'a calendar places records by a date or datetime field' });
    }
  });
  return problems;
}

/**
 * Normalises an app package and checks everything that depends on field types: options,
 * relation targets, rollups, formulas, validation rules, defaults and indexes; form rules, view
 * filters, sorts, kanban lanes and calendar dates; automations' fields, conditions and formulas.
 * All problems come back at once, each with its JSON path.
 * @example const app = resolveApp(JSON.parse(fs.readFileSync('app.json', 'utf8')))
 */
export function resolveApp(input: unknown): ResolvedApp {
  const app = normalizeApp(input, catalogue);
  for (const o of app.objects) for (const f of o.fields) if (fieldTypes[f.type].reference?.master) f.required = true;
  const byId = new Map(app.objects.map((o) => [o.id, o]));
  const problems = app.objects.flatMap((o, i) => (o.archived ? [] : objectProblems(o, `/objects/${i}`, byId)));
  problems.push(
    ...uiProblems(app, byId),
    ...automationProblems(app.automations, byId),
    ...recordActionProblems(app.recordActions, byId),
    ...workflowProblems(app.workflows, byId),
  );
  if (problems.length) throw AppError.problems('METADATA_INVALID', problems);
  return app;
}
