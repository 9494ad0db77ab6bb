import { fieldTypes } from '@tangram/fields';
import type { ObjectInput, ReportDimensionInput, ReportInput, ReportMeasureInput } from '@tangram/metadata';
import { draftFields, lookupPathFields } from './designer-core';

/** Where a field is dropped in the report builder. */
export type Zone = 'rows' | 'columns' | 'values';

/** A field the builder offers: a path from the base object (`stage`, `account.region`, `owner_id`). */
export interface BuilderField {
  path: string;
  label: string;
  /** The value kind (number, date, text…), which decides the default aggregate and the bucket. */
  kind: string;
}

const isDate = (kind: string) => kind === 'date' || kind === 'datetime';
export const aggregates = ['count', 'distinct', 'sum', 'avg', 'min', 'max'] as const;
export const buckets = ['day', 'week', 'month', 'quarter', 'year'] as const;

/**
 * The fields a report over `object` can group, measure and filter by: its own, those one lookup
 * away, and the owner with the owner's department.
 * @example builderFields(deal, doc.objects, label) // [{ path: 'stage', … }, { path: 'account.region', … }, …]
 */
export function builderFields(object: ObjectInput, objects: readonly ObjectInput[], text: (l: unknown, fallback: string) => string): BuilderField[] {
  const own = [...draftFields(object), ...lookupPathFields(object, objects)].filter((f) => fieldTypes[f.type]?.storage === 'column');
  return [
    ...own.map((f) => ({ path: f.name, label: text(f.label, f.name), kind: fieldTypes[f.type]?.kind ?? 'text' })),
    { path: 'owner_id', label: text({ 'zh-CN': '负责人', en: 'Owner' }, 'owner_id'), kind: 'uuid' },
    { path: 'owner_id.department', label: text({ 'zh-CN': '负责人 › 部门', en: 'Owner › Department' }, 'owner_id.department'), kind: 'uuid' },
    { path: 'created_at', label: text({ 'zh-CN': '创建时间', en: 'Created at' }, 'created_at'), kind: 'datetime' },
  ];
}

function freeMeasureName(r: ReportInput, base: string): string {
  const used = new Set(r.values.map((v) => v.name));
  const name = base.replace(/[^a-z0-9_]/g, '_');
  for (let i = 1; ; i++) if (!used.has(i === 1 ? name : `${name}_${i}`)) return i === 1 ? name : `${name}_${i}`;
}

/** Drops a field in a zone: a dimension (a date by quarter) once, or a measure (a number summed, else a count). */
export function dropField(r: ReportInput, zone: Zone, f: BuilderField): ReportInput {
  if (zone === 'values') {
    const numeric = f.kind === 'number';
    const measure: ReportMeasureInput = numeric
      ? { name: freeMeasureName(r, f.path), fn: 'sum', field: f.path }
      : { name: freeMeasureName(r, 'count'), fn: 'count' };
    return { ...r, values: [...r.values, measure] };
  }
  if ([...(r.rows ?? []), ...(r.columns ?? [])].some((d) => d.field === f.path)) return r;
  const dim: ReportDimensionInput = { field: f.path, ...(isDate(f.kind) ? { bucket: 'quarter' as const } : {}) };
  return { ...r, [zone]: [...(r[zone] ?? []), dim] };
}

/** The report without the `index`th entry of a zone. */
export function removeAt(r: ReportInput, zone: Zone, index: number): ReportInput {
  const list = (zone === 'values' ? r.values : (r[zone] ?? [])) as unknown[];
  return { ...r, [zone]: list.filter((_, i) => i !== index) };
}

/** The report with the `index`th entry of a zone changed. */
export function patchAt<T extends object>(r: ReportInput, zone: Zone, index: number, patch: Partial<T>): ReportInput {
  const list = (zone === 'values' ? r.values : (r[zone] ?? [])) as T[];
  return { ...r, [zone]: list.map((x, i) => (i === index ? { ...x, ...patch } : x)) };
}

/** Whether a dimension's path is a date (it then takes a bucket). */
export const takesBucket = (fields: BuilderField[], path: string) => isDate(fields.find((f) => f.path === path)?.kind ?? '');

/** The settings of a report beside its fields: order, top N, totals, fiscal year, row limit. */
export type ReportSettings = Pick<ReportInput, 'sort' | 'top' | 'subtotals' | 'fiscalYearStart' | 'limit'>;
const settingKeys = ['sort', 'top', 'subtotals', 'fiscalYearStart', 'limit'] as const;

/** Measures the database computes (top N ranks by one of these, not by a measure computed from others). */
const computedFns = new Set(['ratio', 'cumulative', 'change', 'stepRatio', 'share', 'rfm']);
export const rankable = (r: ReportInput) => r.values.filter((m) => !computedFns.has(m.fn));

/** What a report can be sorted by: its dimensions (by key) and its measures (by name). */
export function sortKeys(r: ReportInput): { key: string; measure: boolean }[] {
  return [...(r.rows ?? []), ...(r.columns ?? [])]
    .map((d) => ({ key: d.as ?? d.field, measure: false }))
    .concat(r.values.map((m) => ({ key: m.name, measure: true })));
}

/** The report with settings changed: a setting set to undefined is removed. */
export function withSettings(r: ReportInput, patch: ReportSettings): ReportInput {
  const next: ReportInput = { ...r, ...patch };
  for (const k of settingKeys) if (k in patch && patch[k] === undefined) delete next[k];
  return next;
}

/**
 * The report without settings its fields no longer allow (a sort or top N by a field taken off,
 * top N without a row dimension), so that a removed field never leaves the report unpublishable.
 */
export function pruned(r: ReportInput): ReportInput {
  const keys = new Set(sortKeys(r).map((k) => k.key));
  const sort = r.sort?.filter((s) => keys.has(s.by));
  const topOk = r.top && (r.rows?.length ?? 0) > 0 && rankable(r).some((m) => m.name === r.top?.by);
  return withSettings(r, {
    ...(r.sort ? { sort: sort?.length ? sort : undefined } : {}),
    ...(r.top && !topOk ? { top: undefined } : {}),
  });
}

/** The report as the preview runs it: its fields, filter and settings. */
export function previewSpec(r: ReportInput) {
  const p = pruned(r);
  return {
    object: p.object,
    filter: p.filter,
    rows: p.rows ?? [],
    columns: p.columns ?? [],
    values: p.values,
    ...Object.fromEntries(settingKeys.filter((k) => p[k] !== undefined).map((k) => [k, p[k]])),
  };
}
