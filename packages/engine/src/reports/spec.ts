/**
 * What a report asks: a dataset (a base object and its filter), the dimensions it groups by (rows
 * and, for a pivot, columns) and the measures it computes. A report in the metadata and an ad-hoc
 * query from the builder's preview have this same shape. See docs/guides/reports.md.
 */

export const dateBuckets = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type DateBucket = (typeof dateBuckets)[number];

/**
 * A field to group by. `field` is a path: a field of the base object (`stage`), a field of the record
 * a lookup points at (`account.region`, at most three hops), a user field (`owner_id`) or the
 * primary department of a user (`owner_id.department`).
 */
export interface Dimension {
  field: string;
  /** A date or datetime field grouped by period; the value is the period's first day (`2026-04-01`). */
  bucket?: DateBucket;
  /** A department grouped at this depth of the tree (1 = the top): the records of everything below roll up into it. */
  level?: number;
  /**
   * A date or datetime grouped by how many days ago it was (today in the tenant's time zone):
   * `[30, 60, 90]` gives the bands `not_due` (today or later), `1-30`, `31-60`, `61-90` and `>90`.
   * Receivable aging (账龄) groups each plan's date so.
   */
  ageBands?: number[];
  /** The key of this dimension in each result row; the path by default. */
  as?: string;
}

export const subtotalModes = ['rows', 'columns', 'both'] as const;
export type SubtotalMode = (typeof subtotalModes)[number];

export const aggregateFns = ['count', 'distinct', 'sum', 'avg', 'min', 'max'] as const;
export type AggregateFn = (typeof aggregateFns)[number];
export const computedFns = ['ratio', 'cumulative', 'change', 'stepRatio', 'share', 'rfm'] as const;
export type ComputedFn = (typeof computedFns)[number];

/** A measure computed by the database: an aggregate of a base field, with its own filter. */
export interface AggregateMeasure {
  name: string;
  fn: AggregateFn;
  /** Needed except for count (count of records). */
  field?: string;
  /** JSON Logic over the base object's fields: only records that match are measured. */
  filter?: unknown;
  /**
   * Measures days instead of the field's value: from the date field `from` to `field` (a sales
   * cycle: `{ fn: 'avg', field: 'close_date', from: 'created_at' }`). Dates and datetimes count
   * whole days in the tenant's time zone. Not with count or distinct.
   */
  from?: string;
  /** Measures how many days ago `field` was (today in the tenant's time zone): recency, `{ fn: 'min', field: 'sign_date', age: true }`. */
  age?: boolean;
}

/**
 * A measure computed from others over the (small) result:
 * - `ratio`: `of[0] / of[1]` (win rate, collection rate, target completion);
 * - `cumulative`: running total of `of` along the last row dimension;
 * - `change`: growth of `of` against the previous period (`compare: 'previous'`, MoM / QoQ) or the same
 *   period a year before (`'year'`, YoY), along the last row dimension, which must be a date bucket;
 * - `stepRatio`: `of` over `of` of the row before (stage conversion in a funnel);
 * - `share`: `of` over its total across the rows;
 * - `rfm`: the RFM segment of each row (an account) from `of: [recency, frequency, monetary]` —
 *   recency in days (lower is better), each compared with its mean over the rows: one of
 *   `rfmSegments` (重要价值客户 … 一般挽留客户).
 */
export interface ComputedMeasure {
  name: string;
  fn: ComputedFn;
  of: string | [string, string] | [string, string, string];
  compare?: 'previous' | 'year';
}

export type Measure = AggregateMeasure | ComputedMeasure;

/**
 * RFM segments by whether a row's recency, frequency and monetary value are better than the mean
 * (R: more recent, F: more often, M: more): the eight groups of the classic RFM model.
 */
export const rfmSegments = {
  important_value: { r: true, f: true, m: true, label: { 'zh-CN': '重要价值客户', en: 'Champions' } },
  important_develop: { r: true, f: false, m: true, label: { 'zh-CN': '重要发展客户', en: 'Promising big spenders' } },
  important_keep: { r: false, f: true, m: true, label: { 'zh-CN': '重要保持客户', en: 'Loyal, slipping' } },
  important_retain: { r: false, f: false, m: true, label: { 'zh-CN': '重要挽留客户', en: 'Big spenders at risk' } },
  general_value: { r: true, f: true, m: false, label: { 'zh-CN': '一般价值客户', en: 'Frequent small buyers' } },
  general_develop: { r: true, f: false, m: false, label: { 'zh-CN': '一般发展客户', en: 'New customers' } },
  general_keep: { r: false, f: true, m: false, label: { 'zh-CN': '一般保持客户', en: 'Frequent, slipping' } },
  general_retain: { r: false, f: false, m: false, label: { 'zh-CN': '一般挽留客户', en: 'Lost' } },
} as const;
export type RfmSegment = keyof typeof rfmSegments;

/**
 * Targets compared with a report: measures over another object (e.g. sales targets), grouped by
 * the report's dimensions through `match` (every dimension key → a field path of the target object,
 * grouped the same way: same period, level, bands), and joined to the report's rows by those values.
 */
export interface ReportTargets {
  /** The target object (name or id). */
  object: string;
  /** JSON Logic over the target object's fields. */
  filter?: unknown;
  match: Record<string, string>;
  /** Aggregates over the target records (not computed ones: those go in the report's values, e.g. `ratio: [amount, target]`). */
  values: AggregateMeasure[];
  /** The target's date a dashboard's period filter narrows; without it the period does not narrow targets. */
  dateField?: string;
}

export interface ReportSpec {
  /** The base object (name or id). */
  object: string;
  /** JSON Logic over the base object's fields, like a list's filter (`$user`, `$now` allowed). */
  filter?: unknown;
  rows?: Dimension[];
  /** Pivot columns: each row of the result carries the values of both. */
  columns?: Dimension[];
  values: Measure[];
  /** Orders by a dimension key or a measure name; by default by the dimensions (select fields in their options' order). */
  sort?: { by: string; direction?: 'asc' | 'desc' }[];
  /** Keep the first row dimension's top `n` values by measure `by`; the rest become one row `$others: true`. */
  top?: { n: number; by: string; others?: boolean };
  /**
   * Subtotals: `rows` (or `true`) adds one per row dimension level and a grand total (rows with
   * `$subtotal` > 0, the rolled-up dimensions null); `columns` adds the totals across the column
   * dimensions (rows with `$colSubtotal` > 0); `both` adds both and the grand total of a pivot.
   */
  subtotals?: boolean | SubtotalMode;
  /** The month (1–12) a fiscal year starts: quarters and years count from it (a period's value is its first day). */
  fiscalYearStart?: number;
  /** Most result rows (1–10,000, default 1,000): `truncated` says when there were more. */
  limit?: number;
  /** Targets to compare with (not with `top` or `subtotals`). */
  targets?: ReportTargets;
}

export interface ReportColumn {
  key: string;
  role: 'row' | 'column' | 'value';
  /** What the values are: a field kind, `user`, `department`, `record` (a lookup), or `number`. */
  kind: string;
  /** The field path (dimensions, aggregate measures). */
  field?: string;
  bucket?: DateBucket;
  /** A lookup, user or department dimension: each row also carries `<key>$label`. */
  labelled?: boolean;
}

export interface ReportResult {
  columns: ReportColumn[];
  rows: Record<string, unknown>[];
  truncated: boolean;
  /** Run with a dashboard's cross filter: whether it applied (a report over the clicked report's object) or could not. */
  crossFiltered?: boolean;
}
