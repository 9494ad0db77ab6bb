import type { Field, ResolvedApp } from '@tangram/metadata';
import { useMetadata } from '../../api/metadata';
import type { ReportColumn, ReportResult, ReportRow, ReportView } from '../../api/reports';
import { useI18n } from '../../i18n/i18n';
import { optionsOf } from '../../widgets/select';

/**
 * The field a report path names (`stage`, `account.region`), walking lookups from the base object;
 * undefined for system columns (`owner_id`, `created_at`) and paths through users.
 */
export function fieldAt(app: ResolvedApp | undefined, objectName: string, path: string): Field | undefined {
  let object = app?.objects.find((o) => o.name === objectName || o.id === objectName);
  const parts = path.split('.');
  for (const [i, part] of parts.entries()) {
    const field = object?.fields.find((f) => f.name === part);
    if (i === parts.length - 1 || !field) return field;
    const target = field.options.target;
    object = app?.objects.find((o) => o.id === target || o.name === target);
  }
  return undefined;
}

/** The month `n` months after year `y`, month `m` (1–12), as `YYYY-MM`. */
const monthAfter = (y: number, m: number, n: number) => {
  const i = y * 12 + (m - 1) + n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
};

/**
 * A date bucket's first day (`YYYY-MM-DD`) as the period it starts: `2026 Q1`, `2026-03`, `2026`.
 * A fiscal quarter or year (one not starting in January, April, July or October, or January)
 * reads as its months: `2025-11~2026-01`.
 */
export function bucketLabel(value: string, bucket: string | undefined): string {
  const [y, m] = value.split('-');
  const year = Number(y);
  const month = Number(m);
  if (bucket === 'year') return month === 1 ? `${y}` : `${y}-${m}~${monthAfter(year, month, 11)}`;
  if (bucket === 'quarter') return (month - 1) % 3 === 0 ? `${y} Q${Math.floor((month - 1) / 3) + 1}` : `${y}-${m}~${monthAfter(year, month, 2)}`;
  if (bucket === 'month') return `${y}-${m}`;
  return value.slice(0, 10);
}

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const currencyFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** A measure's value as it shows: a plain number (two decimals at most), money, a percentage (of a fraction). */
export function formatMeasure(value: unknown, format?: string): string {
  if (value === null || value === undefined || value === '') return '';
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  if (format === 'percent') return `${numberFormat.format(n * 100)}%`;
  return (format === 'currency' ? currencyFormat : numberFormat).format(n);
}

/** How one dimension value of a row reads. */
export type CellLabel = (column: ReportColumn, row: ReportRow) => string;

/**
 * Labels of a report's dimension values: the server's `<key>$label` (a record's title, a user's or
 * department's name), a select option's label from the field's metadata, a date bucket's period,
 * else the raw value.
 */
export function useCellLabel(tenant: string, report: ReportView): CellLabel {
  const { t, label } = useI18n();
  const app = useMetadata(tenant).data?.metadata;
  return (column, row) => {
    const named = row[`${column.key}$label`];
    if (row.$others === true && column.role === 'row' && (row[column.key] ?? null) === null) return t('report.others');
    if (typeof named === 'string' && named) return named;
    const value = row[column.key];
    if (value === null || value === undefined || value === '') return t('report.blank');
    if (typeof value === 'boolean') return t(value ? 'common.yes' : 'common.no');
    if (column.bucket && typeof value === 'string') return bucketLabel(value, column.bucket);
    const field = column.field ? fieldAt(app, report.objectName, column.field) : undefined;
    // A field with options (select, multi-select) groups by option keys: show their labels.
    const option = field ? optionsOf(field).find((o) => o.key === value) : undefined;
    if (option) return label(option.label, String(value));
    return String(value);
  };
}

/** A report's measures: its values and the targets it is compared with. */
export const measuresOf = (report: ReportView) => [...report.values, ...(report.targets?.values ?? [])];

/** A measure's label from the report's definition (its name when it has none). */
export function useMeasureLabel(report: ReportView): (name: string) => string {
  const { label } = useI18n();
  return (name) => {
    const m = measuresOf(report).find((v) => v.name === name);
    return label(m?.label, name);
  };
}

/** A dimension's heading: its own label, else its field's (the last of a path), else its key. */
export function useDimensionLabel(tenant: string, report: ReportView): (column: ReportColumn) => string {
  const { label } = useI18n();
  const app = useMetadata(tenant).data?.metadata;
  return (column) => {
    const d = [...(report.rows ?? []), ...(report.columns ?? [])].find((x) => (x.as ?? x.field) === column.key);
    const field = column.field ? fieldAt(app, report.objectName, column.field) : undefined;
    return label(d?.label, field ? label(field.label, field.name) : column.key);
  };
}

/** An RFM group is a key (`important_value`): shown as its name (重要价值客户). */
export const withRfmLabels = (r: ReportResult, name: (key: string) => string): ReportResult => {
  const rfm = r.columns.filter((c) => c.kind === 'rfm').map((c) => c.key);
  if (!rfm.length) return r;
  return {
    ...r,
    rows: r.rows.map((row) => ({ ...row, ...Object.fromEntries(rfm.map((k) => [k, typeof row[k] === 'string' ? name(row[k] as string) : row[k]])) })),
  };
};
