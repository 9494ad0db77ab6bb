import { AppError, type Problem } from '@tangram/errors';
import Ajv, { type ErrorObject } from 'ajv';
import { normalizeAutomations } from './automations';
import { normalizeRecordActions } from './record-actions';
import { normalizeWorkflows } from './workflows';
import { checkName } from './naming';
import { appSchema } from './schema';
import type {
  AppInput,
  Dashboard,
  DashboardInput,
  Report,
  ReportInput,
  Field,
  FieldInput,
  FieldTypeName,
  Form,
  FormInput,
  Index,
  LocaleText,
  MenuItem,
  MenuItemInput,
  ObjectDef,
  ObjectInput,
  ResolvedApp,
  View,
  ViewInput,
} from './types';

/**
 * What the metadata language needs to know about each field type. @tangram/fields supplies it,
 * so this package stays free of type-specific rules.
 */
export interface FieldTypeCatalogue {
  /** Fills defaults into and checks a field's `options`; returns problems at `path`. */
  resolveOptions(
    type: FieldTypeName,
    options: Record<string, unknown>,
    path: string,
  ): {
    options: Record<string, unknown>;
    problems: Problem[];
  };
  /** Can be an object's default title field (when none is named, the first such field is). */
  titleCandidate(type: FieldTypeName): boolean;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validateShape = ajv.compile(appSchema);

function shapeProblems(errors: ErrorObject[] | null | undefined): Problem[] {
  return (errors ?? [])
    .filter((e) => e.keyword !== 'oneOf' || !errors?.some((o) => o !== e && o.instancePath.startsWith(e.instancePath)))
    .map((e) => ({
      code: 'METADATA_INVALID' as const,
      path: e.instancePath || '/',
      message: e.message ?? 'invalid',
      ...(e.keyword === 'additionalProperties' ? { property: (e.params as { additionalProperty: string }).additionalProperty } : {}),
    }));
}

export function toLocaleText(text: LocaleText | string | undefined, fallback: string): LocaleText {
  if (text === undefined) return { en: fallback };
  return typeof text === 'string' ? { 'zh-CN': text, en: text } : { ...text };
}

function nameProblems(value: string, path: string): Problem[] {
  const problem = checkName(value);
  return problem
    ? [{ code: problem, path, message: `"${value}" cannot be used: ${problem === 'NAME_RESERVED' ? 'reserved' : 'must match ^[a-z][a-z0-9_]{0,62}$'}` }]
    : [];
}

function duplicates<T>(items: T[], key: (t: T) => string, path: (i: number) => string, what: string): Problem[] {
  const seen = new Map<string, number>();
  const problems: Problem[] = [];
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) problems.push({ code: 'NAME_DUPLICATE', path: path(i), message: `${what} "${k}" is used twice` });
    else seen.set(k, i);
  });
  return problems;
}

function normalizeField(input: FieldInput, path: string, types: FieldTypeCatalogue, problems: Problem[]): Field {
  const id = input.id ?? input.name;
  problems.push(...nameProblems(input.name, `${path}/name`), ...(input.id ? nameProblems(input.id, `${path}/id`) : []));
  const { options, problems: optionProblems } = types.resolveOptions(input.type, input.options ?? {}, `${path}/options`);
  problems.push(...optionProblems);
  const field: Field = {
    id,
    name: input.name,
    type: input.type,
    label: toLocaleText(input.label, input.name),
    required: input.required ?? false,
    unique: input.unique ?? false,
    indexed: input.indexed ?? false,
    options,
    archived: input.archived ?? false,
  };
  if (input.description !== undefined) field.description = toLocaleText(input.description, '');
  if (input.defaultValue !== undefined) field.defaultValue = input.defaultValue;
  return field;
}

function normalizeObject(input: ObjectInput, path: string, types: FieldTypeCatalogue, problems: Problem[]): ObjectDef {
  problems.push(...nameProblems(input.name, `${path}/name`), ...(input.id ? nameProblems(input.id, `${path}/id`) : []));
  const fields = input.fields.map((f, i) => normalizeField(f, `${path}/fields/${i}`, types, problems));
  // Archived fields keep their column but give up their name, so a new field may take it.
  const active = fields.filter((f) => !f.archived);
  problems.push(
    ...duplicates(
      fields,
      (f) => (f.archived ? `\u0000${f.id}` : f.name),
      (i) => `${path}/fields/${i}/name`,
      'field name',
    ),
    ...duplicates(
      fields,
      (f) => f.id,
      (i) => `${path}/fields/${i}/id`,
      'field id',
    ),
  );
  const byName = new Map([...fields.map((f) => [f.id, f] as const), ...active.map((f) => [f.name, f] as const)]);
  const indexes: Index[] = (input.indexes ?? []).map((ix, i) => {
    // Index fields are named by field name or (as in published metadata) by field id.
    const ids = ix.fields.map((n, j) => {
      const f = byName.get(n);
      if (!f) problems.push({ code: 'FIELD_NOT_FOUND', path: `${path}/indexes/${i}/fields/${j}`, message: `no field "${n}"` });
      return f?.id ?? n;
    });
    if (ix.id) problems.push(...nameProblems(ix.id, `${path}/indexes/${i}/id`));
    return { id: ix.id ?? `ix_${ids.join('_')}`.slice(0, 63), fields: ids, unique: ix.unique ?? false };
  });
  problems.push(
    ...duplicates(
      indexes,
      (x) => x.id,
      (i) => `${path}/indexes/${i}/id`,
      'index id',
    ),
  );
  // titleField and searchFields name fields by name or id; they are stored as ids, so a rename keeps them.
  const idOf = (n: string, path: string): string | undefined => {
    const f = byName.get(n);
    if (!f) problems.push({ code: 'FIELD_NOT_FOUND', path, message: `no field "${n}"` });
    return f?.id;
  };
  const titleField =
    input.titleField !== undefined && input.titleField !== 'id'
      ? (idOf(input.titleField, `${path}/titleField`) ?? input.titleField)
      : (active.find((f) => types.titleCandidate(f.type))?.id ?? 'id');
  const searchFields =
    input.searchFields !== undefined ? input.searchFields.map((n, i) => idOf(n, `${path}/searchFields/${i}`) ?? n) : titleField === 'id' ? [] : [titleField];
  const object: ObjectDef = {
    id: input.id ?? input.name,
    name: input.name,
    label: toLocaleText(input.label, input.name),
    pluralLabel: toLocaleText(input.pluralLabel ?? input.label, input.name),
    titleField,
    searchFields,
    fields,
    indexes,
    validationRules: (input.validationRules ?? []).map((r) => ({
      id: r.id,
      rule: r.rule,
      message: toLocaleText(r.message, r.id),
      ...(r.field ? { field: r.field } : {}),
    })),
    duplicateRules: (input.duplicateRules ?? []).map((r, i) => ({
      id: r.id,
      field: idOf(r.field, `${path}/duplicateRules/${i}/field`) ?? r.field,
      match: r.match,
      ...(r.message !== undefined ? { message: toLocaleText(r.message, r.id) } : {}),
    })),
    archived: input.archived ?? false,
  };
  problems.push(
    ...duplicates(
      object.duplicateRules,
      (r) => r.id,
      (i) => `${path}/duplicateRules/${i}/id`,
      'duplicate rule id',
    ),
  );
  if (input.publicPool) {
    const { activityField, ...pool } = input.publicPool;
    object.publicPool = {
      ...pool,
      ...(activityField !== undefined ? { activityField: idOf(activityField, `${path}/publicPool/activityField`) ?? activityField } : {}),
    };
  }
  if (input.description !== undefined) object.description = toLocaleText(input.description, '');
  return object;
}

/** System columns a view may show or sort by. */
const viewSystemColumns = new Set(['id', 'created_at', 'created_by', 'updated_at', 'updated_by', 'owner_id']);

/** Resolves names (or ids) of an app's objects and their active fields to ids, reporting what is missing. */
class Names {
  private readonly objects = new Map<string, ObjectDef>();
  constructor(
    objects: ObjectDef[],
    private readonly problems: Problem[],
  ) {
    for (const o of objects) if (!o.archived) this.objects.set(o.id, o);
    for (const o of objects) if (!o.archived) this.objects.set(o.name, o);
  }
  objectById(id: string): ObjectDef | undefined {
    const o = this.objects.get(id);
    return o?.id === id ? o : undefined;
  }
  object(name: string, path: string): ObjectDef | undefined {
    const o = this.objects.get(name);
    if (!o) this.problems.push({ code: 'OBJECT_NOT_FOUND', path, message: `no object "${name}"` });
    return o;
  }
  field(o: ObjectDef, name: string, path: string, system = false): string {
    if (system && viewSystemColumns.has(name)) return name;
    const f = o.fields.find((x) => !x.archived && x.name === name) ?? o.fields.find((x) => !x.archived && x.id === name);
    if (!f) this.problems.push({ code: 'FIELD_NOT_FOUND', path, message: `no field "${name}" in ${o.name}` });
    return f?.id ?? name;
  }
}

function normalizeForm(input: FormInput, path: string, names: Names, problems: Problem[]): Form {
  problems.push(...nameProblems(input.name, `${path}/name`), ...(input.id ? nameProblems(input.id, `${path}/id`) : []));
  const o = names.object(input.object, `${path}/object`);
  const placed = new Set<string>();
  const tabs = input.tabs.map((t, i) => ({
    id: t.id,
    ...(t.title !== undefined ? { title: toLocaleText(t.title, t.id) } : {}),
    sections: t.sections.map((s, j) => ({
      id: s.id,
      ...(s.title !== undefined ? { title: toLocaleText(s.title, s.id) } : {}),
      columns: s.columns ?? 2,
      fields: s.fields.map((f, k) => {
        const fpath = `${path}/tabs/${i}/sections/${j}/fields/${k}`;
        const id = o ? names.field(o, f, fpath) : f;
        if (placed.has(id)) problems.push({ code: 'NAME_DUPLICATE', path: fpath, message: `field "${f}" is placed twice` });
        placed.add(id);
        return id;
      }),
    })),
  }));
  problems.push(
    ...duplicates(
      tabs.flatMap((t) => [t.id, ...t.sections.map((s) => s.id)]),
      (x) => x,
      () => `${path}/tabs`,
      'tab or section id',
    ),
  );
  const rules: Form['rules'] = {};
  for (const [field, r] of Object.entries(input.rules ?? {})) rules[o ? names.field(o, field, `${path}/rules/${field}`) : field] = { ...r };
  return { id: input.id ?? input.name, name: input.name, object: o?.id ?? input.object, label: toLocaleText(input.label, input.name), tabs, rules };
}

function normalizeView(input: ViewInput, path: string, names: Names, problems: Problem[]): View {
  problems.push(...nameProblems(input.name, `${path}/name`), ...(input.id ? nameProblems(input.id, `${path}/id`) : []));
  const o = names.object(input.object, `${path}/object`);
  const field = (n: string, p: string, system = false) => (o ? names.field(o, n, p, system) : n);
  const view: View = {
    id: input.id ?? input.name,
    name: input.name,
    object: o?.id ?? input.object,
    label: toLocaleText(input.label, input.name),
    type: input.type,
    columns: (input.columns ?? []).map((c, i) => field(c, `${path}/columns/${i}`, true)),
    sort: (input.sort ?? []).map((s, i) => ({ field: field(s.field, `${path}/sort/${i}/field`, true), direction: s.direction ?? 'asc' })),
    pageSize: input.pageSize ?? 50,
  };
  if (input.filter !== undefined) view.filter = input.filter;
  for (const key of ['groupBy', 'dateField', 'endDateField'] as const) if (input[key] !== undefined) view[key] = field(input[key] as string, `${path}/${key}`);
  if (input.type === 'kanban' && !input.groupBy)
    problems.push({ code: 'METADATA_INVALID', path: `${path}/groupBy`, message: 'a kanban needs groupBy (a select field)' });
  if (input.type === 'calendar' && !input.dateField)
    problems.push({ code: 'METADATA_INVALID', path: `${path}/dateField`, message: 'a calendar needs dateField (a date or datetime field)' });
  return view;
}

function normalizeMenu(items: MenuItemInput[], path: string, names: Names, views: View[], seen: Set<string>, problems: Problem[]): MenuItem[] {
  return items.map((item, i) => {
    const p = `${path}/${i}`;
    problems.push(...nameProblems(item.id, `${p}/id`));
    if (seen.has(item.id)) problems.push({ code: 'NAME_DUPLICATE', path: `${p}/id`, message: `menu id "${item.id}" is used twice` });
    seen.add(item.id);
    const o = item.object !== undefined ? names.object(item.object, `${p}/object`) : undefined;
    const out: MenuItem = { id: item.id, label: toLocaleText(item.label, item.id) };
    if (item.label === undefined && o) out.label = { ...o.pluralLabel };
    if (item.icon !== undefined) out.icon = item.icon;
    if (o) out.object = o.id;
    if (item.view !== undefined) {
      const v = views.find((x) => x.object === o?.id && (x.name === item.view || x.id === item.view));
      if (!v) problems.push({ code: 'METADATA_INVALID', path: `${p}/view`, message: `no view "${item.view}" of this item's object` });
      else out.view = v.id;
    }
    if (item.url !== undefined) out.url = item.url;
    const kinds = [item.object, item.url, item.children].filter((x) => x !== undefined).length;
    if (kinds !== 1) problems.push({ code: 'METADATA_INVALID', path: p, message: 'a menu item has exactly one of object, url or children' });
    if (item.children) out.children = normalizeMenu(item.children, `${p}/children`, names, views, seen, problems);
    return out;
  });
}

/**
 * Checks an app package's shape, names and uniqueness and fills every default. Reports all
 * problems, each with its JSON path, in one METADATA_INVALID error.
 * @example const app = normalizeApp({ objects: [{ name: 'account', fields: [{ name: 'name', type: 'text' }] }] }, catalogue)
 */
export function normalizeApp(input: unknown, types: FieldTypeCatalogue): ResolvedApp {
  if (!validateShape(input)) throw AppError.problems('METADATA_INVALID', shapeProblems(validateShape.errors));
  const app = input as unknown as AppInput;
  const problems: Problem[] = [];
  if (app.name) problems.push(...nameProblems(app.name, '/name'));
  const objects = app.objects.map((o, i) => normalizeObject(o, `/objects/${i}`, types, problems));
  problems.push(
    ...duplicates(
      objects,
      (o) => o.name,
      (i) => `/objects/${i}/name`,
      'object name',
    ),
    ...duplicates(
      objects,
      (o) => o.id,
      (i) => `/objects/${i}/id`,
      'object id',
    ),
  );
  const names = new Names(objects, problems);
  const forms = (app.forms ?? []).map((f, i) => normalizeForm(f, `/forms/${i}`, names, problems));
  const views = (app.views ?? []).map((v, i) => normalizeView(v, `/views/${i}`, names, problems));
  for (const [list, what] of [
    [forms, 'form'],
    [views, 'view'],
  ] as const) {
    problems.push(
      ...duplicates(
        list as { id: string }[],
        (x) => x.id,
        (i) => `/${what}s/${i}/id`,
        `${what} id`,
      ),
      ...duplicates(
        list as { name: string; object: string }[],
        (x) => `${x.object}.${x.name}`,
        (i) => `/${what}s/${i}/name`,
        `${what} name`,
      ),
    );
  }
  const menu = normalizeMenu(app.menu ?? [], '/menu', names, views, new Set(), problems);
  (app.automations ?? []).forEach((a, i) => {
    problems.push(...nameProblems(a.name, `/automations/${i}/name`), ...(a.id ? nameProblems(a.id, `/automations/${i}/id`) : []));
    for (const [j, x] of a.actions.entries()) problems.push(...nameProblems(x.id, `/automations/${i}/actions/${j}/id`));
  });
  const automations = normalizeAutomations(app.automations ?? [], names, problems, toLocaleText);
  problems.push(
    ...duplicates(
      automations,
      (x) => x.id,
      (i) => `/automations/${i}/id`,
      'automation id',
    ),
    ...duplicates(
      automations,
      (x) => x.name,
      (i) => `/automations/${i}/name`,
      'automation name',
    ),
  );
  (app.recordActions ?? []).forEach((a, i) => {
    problems.push(...nameProblems(a.name, `/recordActions/${i}/name`), ...(a.id ? nameProblems(a.id, `/recordActions/${i}/id`) : []));
    for (const [j, x] of a.actions.entries()) {
      problems.push(...nameProblems(x.id, `/recordActions/${i}/actions/${j}/id`));
      if (x.as !== undefined) problems.push(...nameProblems(x.as, `/recordActions/${i}/actions/${j}/as`));
    }
    for (const [j, f] of (a.input ?? []).entries()) problems.push(...nameProblems(f.name, `/recordActions/${i}/input/${j}/name`));
  });
  const recordActions = normalizeRecordActions(app.recordActions ?? [], names, problems, toLocaleText);
  problems.push(
    ...duplicates(
      recordActions,
      (x) => x.id,
      (i) => `/recordActions/${i}/id`,
      'record action id',
    ),
    ...duplicates(
      recordActions,
      (x) => `${x.object}.${x.name}`,
      (i) => `/recordActions/${i}/name`,
      'record action name',
    ),
  );
  (app.workflows ?? []).forEach((w, i) => {
    problems.push(...nameProblems(w.name, `/workflows/${i}/name`), ...(w.id ? nameProblems(w.id, `/workflows/${i}/id`) : []));
  });
  const workflows = normalizeWorkflows(app.workflows ?? [], names, problems, toLocaleText);
  problems.push(
    ...duplicates(
      workflows,
      (x) => x.id,
      (i) => `/workflows/${i}/id`,
      'workflow id',
    ),
    ...duplicates(
      workflows,
      (x) => x.name,
      (i) => `/workflows/${i}/name`,
      'workflow name',
    ),
  );
  const reports = (app.reports ?? []).map((r, i) => normalizeReport(r, `/reports/${i}`, names, problems));
  problems.push(
    ...duplicates(
      reports,
      (x) => x.id,
      (i) => `/reports/${i}/id`,
      'report id',
    ),
    ...duplicates(
      reports,
      (x) => x.name,
      (i) => `/reports/${i}/name`,
      'report name',
    ),
  );
  const dashboards = (app.dashboards ?? []).map((d, i) => normalizeDashboard(d, `/dashboards/${i}`, reports, problems));
  problems.push(
    ...duplicates(
      dashboards,
      (x) => x.id,
      (i) => `/dashboards/${i}/id`,
      'dashboard id',
    ),
    ...duplicates(
      dashboards,
      (x) => x.name,
      (i) => `/dashboards/${i}/name`,
      'dashboard name',
    ),
  );
  if (problems.length) throw AppError.problems('METADATA_INVALID', problems);
  return {
    name: app.name ?? 'app',
    version: app.version ?? '0.0.0',
    label: toLocaleText(app.label, app.name ?? 'app'),
    objects,
    forms,
    views,
    menu,
    automations,
    recordActions,
    // each workflow's process is read from its BPMN at publish (@tangram/bpmn): normalize is synchronous
    workflows,
    reports,
    dashboards,
  };
}

/**
 * A report: its object resolved to an id, labels to locale text. Its field paths and filters keep
 * field names (as filters do); the engine checks them against the model at publish.
 */
function normalizeReport(input: ReportInput, path: string, names: Names, problems: Problem[]): Report {
  problems.push(...nameProblems(input.name, `${path}/name`), ...(input.id ? nameProblems(input.id, `${path}/id`) : []));
  const o = names.object(input.object, `${path}/object`);
  const labelled = <T extends { label?: LocaleText | string }>(x: T, fallback: string) => {
    const { label, ...rest } = x;
    return label === undefined ? rest : { ...rest, label: toLocaleText(label, fallback) };
  };
  const { id, label, description, rows, columns, values, chart, targets, ...rest } = input;
  const report: Report = {
    ...rest,
    ...(targets
      ? {
          targets: {
            ...targets,
            object: names.object(targets.object, `${path}/targets/object`)?.id ?? targets.object,
            values: targets.values.map((m) => labelled(m, m.name)),
          },
        }
      : {}),
    id: id ?? input.name,
    label: toLocaleText(label, input.name),
    object: o?.id ?? input.object,
    rows: (rows ?? []).map((d) => labelled(d, d.field)),
    columns: (columns ?? []).map((d) => labelled(d, d.field)),
    values: values.map((m) => labelled(m, m.name)),
    chart: chart ?? { type: 'table' },
  };
  if (description !== undefined) report.description = toLocaleText(description, '');
  for (const [i, m] of values.entries()) if (m.name) problems.push(...nameProblems(m.name, `${path}/values/${i}/name`));
  for (const [i, m] of (targets?.values ?? []).entries()) if (m.name) problems.push(...nameProblems(m.name, `${path}/targets/values/${i}/name`));
  return report;
}

function normalizeDashboard(input: DashboardInput, path: string, reports: Report[], problems: Problem[]): Dashboard {
  problems.push(...nameProblems(input.name, `${path}/name`), ...(input.id ? nameProblems(input.id, `${path}/id`) : []));
  const seen = new Set<string>();
  const widgets = input.widgets.map((w, i) => {
    const p = `${path}/widgets/${i}`;
    problems.push(...nameProblems(w.id, `${p}/id`));
    if (seen.has(w.id)) problems.push({ code: 'NAME_DUPLICATE', path: `${p}/id`, message: `widget id "${w.id}" is used twice` });
    seen.add(w.id);
    const r = reports.find((x) => x.name === w.report) ?? reports.find((x) => x.id === w.report);
    if (!r) problems.push({ code: 'METADATA_INVALID', path: `${p}/report`, message: `no report "${String(w.report).slice(0, 100)}" in this app` });
    if (w.x + w.w > 12) problems.push({ code: 'METADATA_INVALID', path: `${p}/w`, message: 'a widget ends within the 12 columns (x + w ≤ 12)' });
    const { title, ...rest } = w;
    return { ...rest, report: r?.id ?? w.report, ...(title !== undefined ? { title: toLocaleText(title, '') } : {}) };
  });
  const dashboard: Dashboard = {
    id: input.id ?? input.name,
    name: input.name,
    label: toLocaleText(input.label, input.name),
    roles: input.roles ?? [],
    home: input.home ?? false,
    filters: input.filters ?? [],
    widgets,
  };
  if (input.description !== undefined) dashboard.description = toLocaleText(input.description, '');
  return dashboard;
}
