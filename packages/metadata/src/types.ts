/** A label in several locales: `{ "zh-CN": "客户", "en": "Account" }`. */
export type LocaleText = Record<string, string>;

/** Every field type Tangram knows. The registry in @tangram/fields must cover each one. */
export const fieldTypeNames = [
  'text',
  'textarea',
  'richtext',
  'integer',
  'decimal',
  'currency',
  'percent',
  'boolean',
  'date',
  'datetime',
  'select',
  'multiselect',
  'email',
  'phone',
  'url',
  'autonumber',
  'lookup',
  'masterdetail',
  'manytomany',
  'user',
  'department',
  'attachment',
  'formula',
  'rollup',
  'json',
] as const;
export type FieldTypeName = (typeof fieldTypeNames)[number];

/** A field as an author writes it: `id` defaults to `name`, `label` may be a plain string. */
export interface FieldInput {
  id?: string;
  name: string;
  type: FieldTypeName;
  label?: LocaleText | string;
  description?: LocaleText | string;
  required?: boolean;
  unique?: boolean;
  indexed?: boolean;
  defaultValue?: unknown;
  options?: Record<string, unknown>;
  archived?: boolean;
}

export interface IndexInput {
  id?: string;
  fields: string[];
  unique?: boolean;
}

export interface ValidationRuleInput {
  id: string;
  /** JSON Logic over the record's field names; the record is valid when it is truthy. */
  rule: unknown;
  message: LocaleText | string;
  /** The field the message is shown on. */
  field?: string;
}

/**
 * How a duplicate rule compares values (查重). Every kind ignores spaces, letter case and
 * full-width forms (（中国） = (中国), ＡＢＣ = abc):
 * - `exact`: nothing more (e-mail addresses, credit codes);
 * - `company`: also drops legal-form words — 有限责任公司, 股份有限公司, 有限公司, 股份, (中国);
 * - `phone`: digits only, without a leading 86 country code on an 11-digit mobile number.
 */
export const duplicateMatches = ['exact', 'company', 'phone'] as const;
export type DuplicateMatch = (typeof duplicateMatches)[number];

export interface DuplicateRuleInput {
  id: string;
  /** The field compared (its name or id). */
  field: string;
  match: DuplicateMatch;
  /** Shown on the field when a write is refused; a default names the field. */
  message?: LocaleText | string;
}

/**
 * The object's public pool (公海): records without an owner, which anyone who may read the object
 * sees and may claim; owners return them, and records nobody followed up for `recycleAfterDays`
 * go back by themselves.
 */
export interface PublicPoolInput {
  /** How many records of this object one member may own at most for a claim to succeed. */
  claimLimit?: number;
  /** Owned records whose last follow-up is older than this go back to the pool. */
  recycleAfterDays?: number;
  /** The date or datetime field holding the last follow-up (name or id); without one, the last change counts. */
  activityField?: string;
}

export interface ObjectInput {
  id?: string;
  name: string;
  label?: LocaleText | string;
  pluralLabel?: LocaleText | string;
  description?: LocaleText | string;
  titleField?: string;
  searchFields?: string[];
  fields: FieldInput[];
  indexes?: IndexInput[];
  validationRules?: ValidationRuleInput[];
  duplicateRules?: DuplicateRuleInput[];
  publicPool?: PublicPoolInput;
  archived?: boolean;
}

/** Live rules of one field on a form: JSON Logic over the form's values. */
export interface FieldRules {
  visible?: unknown;
  required?: unknown;
  readOnly?: unknown;
}

export interface FormSectionInput {
  id: string;
  title?: LocaleText | string;
  columns?: 1 | 2 | 3 | 4;
  /** Field names (or ids), laid out row by row. */
  fields: string[];
}

export interface FormTabInput {
  id: string;
  title?: LocaleText | string;
  sections: FormSectionInput[];
}

/** How an object's record form is laid out: tabs of sections of fields in columns, with live rules. */
export interface FormInput {
  id?: string;
  name: string;
  /** The object's name (or id). */
  object: string;
  label?: LocaleText | string;
  tabs: FormTabInput[];
  /** Per field name: when it shows, is required, is read-only. */
  rules?: Record<string, FieldRules>;
}

export type ViewType = 'table' | 'kanban' | 'calendar';

/** A saved list of an object's records: a table, a kanban by a select field, or a calendar by a date field. */
export interface ViewInput {
  id?: string;
  name: string;
  object: string;
  label?: LocaleText | string;
  type: ViewType;
  /** Field names shown (table columns, card fields). */
  columns?: string[];
  /** JSON Logic over the object's fields. */
  filter?: unknown;
  sort?: { field: string; direction?: 'asc' | 'desc' }[];
  /** Kanban: the select field whose options are the lanes. */
  groupBy?: string;
  /** Calendar: the date or datetime field placing a record (and optionally where it ends). */
  dateField?: string;
  endDateField?: string;
  pageSize?: number;
}

/** A menu entry: an object's list (optionally one view), a link, or a group of entries. */
export interface MenuItemInput {
  id: string;
  label?: LocaleText | string;
  icon?: string;
  object?: string;
  view?: string;
  url?: string;
  children?: MenuItemInput[];
}

/**
 * Automations (IF this happens THEN do that). An automation watches one object: a trigger says
 * when it looks, a condition (JSON Logic) whether it acts, and its actions what it does. Record
 * triggers run `beforeSave` (inside the write: set values or refuse it) or `afterCommit` (from the
 * outbox, at least once); time triggers run as periodic sweeps. See docs/reference/metadata.md.
 */
export const automationTriggerKinds = [
  'record.created',
  'record.updated',
  'record.deleted',
  'field.changed',
  'schedule',
  'date.relative',
  'inactivity',
] as const;
export type AutomationTriggerKind = (typeof automationTriggerKinds)[number];
/** Triggers fired by a record write (they take a timing); the others are fired by the clock. */
export const recordTriggerKinds: readonly AutomationTriggerKind[] = ['record.created', 'record.updated', 'record.deleted', 'field.changed'];
export const automationTimings = ['beforeSave', 'afterCommit'] as const;
export type AutomationTiming = (typeof automationTimings)[number];
export const automationActionKinds = [
  'setFields',
  'refuse',
  'updateRecord',
  'createRecord',
  'notify',
  'email',
  'webhook',
  'robot',
  'assignOwner',
  'addScore',
] as const;
export type AutomationActionKind = (typeof automationActionKinds)[number];
/** Actions that change the record being written, so they only run inside the write. */
export const beforeSaveActionKinds: readonly AutomationActionKind[] = ['setFields', 'refuse'];
/** The actions a workflow's service task runs (in the command's transaction, or as a job after it: webhook, robot). */
export const serviceTaskActionKinds: readonly AutomationActionKind[] = [
  'updateRecord',
  'createRecord',
  'addScore',
  'assignOwner',
  'notify',
  'webhook',
  'robot',
];
export const timeUnits = ['minutes', 'hours', 'days'] as const;
export type TimeUnit = (typeof timeUnits)[number];
export const recipientKinds = ['owner', 'ownerManager', 'departmentHead', 'role', 'userField', 'users'] as const;
export type RecipientKind = (typeof recipientKinds)[number];
export const robotProviders = ['wecom', 'dingtalk', 'feishu'] as const;
export type RobotProvider = (typeof robotProviders)[number];
export const automationRunAs = ['system', 'actor'] as const;
export type AutomationRunAs = (typeof automationRunAs)[number];

/**
 * When an automation looks. Which properties apply depends on `kind`:
 * - `record.created` / `record.updated` / `record.deleted`: `timing`;
 * - `field.changed`: `fields` (any of them changed), optional `from` / `to` (the value before /
 *   after; a creation is a change from null), `timing`;
 * - `schedule`: `cron` (five fields) and `timeZone` (IANA, e.g. Asia/Shanghai);
 * - `date.relative`: `field` (a date or datetime field), `offset` and `direction`: "3 days before
 *   end_date";
 * - `inactivity`: `fields` (date or datetime fields giving the last activity; the first set
 *   counts, then the creation time), `days`, and `episodeField` (whose value re-arms the rule;
 *   default the first of `fields`).
 */
export interface AutomationTriggerInput {
  kind: AutomationTriggerKind;
  /** Record triggers: inside the write or after it commits (default `afterCommit`). */
  timing?: AutomationTiming;
  fields?: string[];
  from?: unknown;
  to?: unknown;
  cron?: string;
  timeZone?: string;
  field?: string;
  offset?: { amount: number; unit: TimeUnit };
  direction?: 'before' | 'after';
  days?: number;
  episodeField?: string;
}

export const aggregateValueOps = ['count', 'sum', 'avg', 'min', 'max', 'first'] as const;
export type AggregateValueOp = (typeof aggregateValueOps)[number];
/** The operations that need a number field; `first` and `count` take any field (`count` counts records without one). */
export const numericAggregateOps: readonly AggregateValueOp[] = ['sum', 'avg', 'min', 'max'];

/**
 * A value read from other records, as the system reads them (no one's permissions; the tenant's
 * live records only): `op` over `field` of the records of `object` that `filter` matches, or for
 * `first` the `field` of the first of them by `sort`. Inside `filter`, `{"var": "$record.<field>"}`
 * is the triggering record's value, `{"var": "$target.<field>"}` the value of the record being
 * written, `$previous`, `$now` and `$user` as in conditions; they are bound as constants first.
 * An empty set gives 0 for `count` and `sum`, null for the others.
 */
export interface AggregateValueInput {
  /** Object name (or id) of the records read. */
  object: string;
  op: AggregateValueOp;
  /** Field name (or id) of `object`; every op but `count` needs one. */
  field?: string;
  /** JSON Logic filter over `object`'s fields. */
  filter?: unknown;
  /** `first` only: the order (field names or ids); the record id breaks ties. */
  sort?: { field: string; direction?: 'asc' | 'desc' }[];
}

/**
 * A value an action writes to a field: a constant, a formula (JSON Logic, as formula fields use)
 * over the record, or an aggregate read from other records.
 */
export interface FieldAssignmentInput {
  /** Field name (or id) of the object written. */
  field: string;
  value?: unknown;
  formula?: unknown;
  aggregate?: AggregateValueInput;
}

/** Who is notified or mailed. */
export interface RecipientInput {
  kind: RecipientKind;
  /** `role`: the role's name. */
  role?: string;
  /** `userField`: a user field of the automation's object. */
  field?: string;
  /** `users`: user ids. */
  users?: string[];
}

/** The most records a query target updates; more is a run error (AUTOMATION_TARGET_TOO_MANY), nothing updated. */
export const queryTargetLimit = 500;

/**
 * Which records `updateRecord` writes: the record itself, its parent through a lookup, its
 * children of an object through their lookup, or (`query`) every live record of `object` that
 * `filter` matches (at most 500; JSON Logic over that object's fields, with `$record`, `$previous`,
 * `$now`, `$user` bound as constants).
 */
export interface UpdateTargetInput {
  kind: 'self' | 'parent' | 'children' | 'query';
  /** parent: a lookup field of this object; children: the lookup field of `object` pointing here. */
  field?: string;
  /** children: the child object; query: the object whose records are updated. */
  object?: string;
  /** query: which of its records. */
  filter?: unknown;
}

/** How `assignOwner` picks the owner: in turn among a department's members, or by a field's value. */
export interface AssignStrategyInput {
  kind: 'roundRobin' | 'mapping';
  /** roundRobin: the department's id. */
  department?: string;
  /** mapping: the field whose value (a select key, a text) picks the owner. */
  field?: string;
  /** mapping: value → user id. */
  map?: Record<string, string>;
  /** mapping: the user when no entry matches. */
  fallback?: string;
}

/**
 * One thing an automation does; `id` is stable (the idempotency key of an effect is the event's id
 * and this id). Which properties apply depends on `kind`:
 * - `setFields` {values} and `refuse` {message}: before save only;
 * - `updateRecord` {target, values}; `createRecord` {object, values};
 * - `notify` {to, title, body?}; `email` {to, subject, body};
 * - `webhook` {url, secretRef?}; `robot` {provider, url, message};
 * - `assignOwner` {strategy}; `addScore` {field, amount, target?} (target: self, default, or a parent through a lookup).
 */
export interface AutomationActionInput {
  id: string;
  kind: AutomationActionKind;
  values?: FieldAssignmentInput[];
  message?: LocaleText | string;
  target?: UpdateTargetInput;
  object?: string;
  to?: RecipientInput[];
  title?: LocaleText | string;
  subject?: LocaleText | string;
  body?: LocaleText | string;
  url?: string;
  secretRef?: string;
  provider?: RobotProvider;
  strategy?: AssignStrategyInput;
  field?: string;
  amount?: number;
}

export interface AutomationInput {
  id?: string;
  name: string;
  label?: LocaleText | string;
  description?: LocaleText | string;
  /** The object watched (name or id). */
  object: string;
  /** Default true. */
  enabled?: boolean;
  trigger: AutomationTriggerInput;
  /** JSON Logic over the record (field names), `$previous` (its values before an update), `$now`, `$user`. */
  condition?: unknown;
  actions: AutomationActionInput[];
  /** Whose rights the actions use: the system's (default) or the user who made the change. */
  runAs?: AutomationRunAs;
  /** Whether a change this automation made may trigger it again (default false: its own writes never do). */
  retrigger?: boolean;
  /** The user answerable for it (a user id): told, with the tenant's admins, when a run fails for good. The designer sets the author. */
  owner?: string;
}

/** What an author publishes: a set of objects (an app package adds name/version/label). */
export interface AppInput {
  name?: string;
  version?: string;
  label?: LocaleText | string;
  objects: ObjectInput[];
  forms?: FormInput[];
  views?: ViewInput[];
  menu?: MenuItemInput[];
  automations?: AutomationInput[];
  recordActions?: RecordActionInput[];
  workflows?: WorkflowInput[];
  reports?: ReportInput[];
  dashboards?: DashboardInput[];
}

export interface Field {
  id: string;
  name: string;
  type: FieldTypeName;
  label: LocaleText;
  description?: LocaleText;
  required: boolean;
  unique: boolean;
  indexed: boolean;
  defaultValue?: unknown;
  options: Record<string, unknown>;
  archived: boolean;
}

export interface Index {
  id: string;
  /** Field ids. */
  fields: string[];
  unique: boolean;
}

export interface ValidationRule {
  id: string;
  rule: unknown;
  message: LocaleText;
  field?: string;
}

export interface DuplicateRule {
  id: string;
  /** Field id. */
  field: string;
  match: DuplicateMatch;
  message?: LocaleText;
}

export interface ObjectDef {
  id: string;
  name: string;
  label: LocaleText;
  pluralLabel: LocaleText;
  description?: LocaleText;
  /** Id of the field shown as the record's title ('id' when there is none). */
  titleField: string;
  /** Ids of the fields searched by text search. */
  searchFields: string[];
  fields: Field[];
  indexes: Index[];
  validationRules: ValidationRule[];
  /** Refuse a record whose value matches an existing record's (查重). */
  duplicateRules: DuplicateRule[];
  /** The public pool (公海), when the object has one; `activityField` is a field id. */
  publicPool?: PublicPoolInput;
  archived: boolean;
}

export interface FormSection {
  id: string;
  title?: LocaleText;
  columns: 1 | 2 | 3 | 4;
  /** Field ids. */
  fields: string[];
}

export interface FormTab {
  id: string;
  title?: LocaleText;
  sections: FormSection[];
}

export interface Form {
  id: string;
  name: string;
  /** Object id. */
  object: string;
  label: LocaleText;
  tabs: FormTab[];
  /** Keyed by field id. */
  rules: Record<string, FieldRules>;
}

export interface View {
  id: string;
  name: string;
  /** Object id. */
  object: string;
  label: LocaleText;
  type: ViewType;
  /** Field ids. */
  columns: string[];
  filter?: unknown;
  /** `field` is a field id (or a system column). */
  sort: { field: string; direction: 'asc' | 'desc' }[];
  groupBy?: string;
  dateField?: string;
  endDateField?: string;
  pageSize: number;
}

export interface MenuItem {
  id: string;
  label: LocaleText;
  icon?: string;
  /** Object id. */
  object?: string;
  /** View id. */
  view?: string;
  url?: string;
  children?: MenuItem[];
}

/** A trigger as published: field names resolved to ids, record triggers with their timing. */
export interface AutomationTrigger {
  kind: AutomationTriggerKind;
  timing?: AutomationTiming;
  /** Field ids. */
  fields?: string[];
  from?: unknown;
  to?: unknown;
  cron?: string;
  timeZone?: string;
  /** Field id. */
  field?: string;
  offset?: { amount: number; unit: TimeUnit };
  direction?: 'before' | 'after';
  days?: number;
  /** Field id. */
  episodeField?: string;
}

/** An aggregate as published: `object` an object id, `field` and sort fields field ids. */
export interface AggregateValue {
  object: string;
  op: AggregateValueOp;
  field?: string;
  filter?: unknown;
  sort?: { field: string; direction: 'asc' | 'desc' }[];
}

export interface FieldAssignment {
  /** Field id (of the object the action writes). */
  field: string;
  value?: unknown;
  formula?: unknown;
  aggregate?: AggregateValue;
}

export interface Recipient {
  kind: RecipientKind;
  role?: string;
  /** Field id. */
  field?: string;
  users?: string[];
}

export interface AutomationAction {
  id: string;
  kind: AutomationActionKind;
  values?: FieldAssignment[];
  message?: LocaleText;
  /** `field` is a field id, `object` an object id. */
  target?: UpdateTargetInput;
  /** Object id. */
  object?: string;
  to?: Recipient[];
  title?: LocaleText;
  subject?: LocaleText;
  body?: LocaleText;
  url?: string;
  secretRef?: string;
  provider?: RobotProvider;
  /** `field` is a field id. */
  strategy?: AssignStrategyInput;
  /** Field id. */
  field?: string;
  amount?: number;
}

export interface Automation {
  id: string;
  name: string;
  label: LocaleText;
  description?: LocaleText;
  /** Object id. */
  object: string;
  enabled: boolean;
  trigger: AutomationTrigger;
  condition?: unknown;
  actions: AutomationAction[];
  runAs: AutomationRunAs;
  /** Present (true) only when the author opted in: the automation's own writes may trigger it again. */
  retrigger?: true;
  /** The user answerable for it (user id), told when a run fails for good. */
  owner?: string;
}

/** Normalised metadata: every id set, every default filled. This is what is published. */
export interface ResolvedApp {
  name: string;
  version: string;
  label: LocaleText;
  objects: ObjectDef[];
  forms: Form[];
  views: View[];
  menu: MenuItem[];
  automations: Automation[];
  recordActions: RecordAction[];
  workflows: Workflow[];
  reports: Report[];
  dashboards: Dashboard[];
}

/**
 * Record actions (buttons, e.g. 线索转换): shown on a record's page and in its list's row menu to
 * the people allowed, optionally after a confirmation and a small input form, running an ordered
 * list of steps in one transaction as the person who clicked. See docs/guides/record-actions.md.
 */
export const recordActionStepKinds = ['createRecord', 'updateRecord', 'notify', 'webhook'] as const;
export type RecordActionStepKind = (typeof recordActionStepKinds)[number];
export const recordActionInputTypes = ['text', 'textarea', 'integer', 'decimal', 'currency', 'boolean', 'date', 'select'] as const;
export type RecordActionInputType = (typeof recordActionInputTypes)[number];

/** One field of an action's input form; its value is `$input.<name>` in conditions and formulas. */
export interface RecordActionInputFieldInput {
  name: string;
  label?: LocaleText | string;
  type: RecordActionInputType;
  required?: boolean;
  defaultValue?: unknown;
  /** select: the choices. */
  options?: { key: string; label?: LocaleText | string }[];
}

export interface RecordActionInputField {
  name: string;
  label: LocaleText;
  type: RecordActionInputType;
  required: boolean;
  defaultValue?: unknown;
  options?: { key: string; label: LocaleText }[];
}

/**
 * One step of a record action: the automation action shapes (createRecord {object, values},
 * updateRecord {target, values}, notify {to, title, body?}, webhook {url, secretRef?}: queued in the
 * action's transaction, sent once it commits), plus:
 * - `when`: JSON Logic over the record and `$input`; the step is skipped when it is falsy;
 * - createRecord `as`: a name under which later steps read the record's id (`$created.<as>`);
 * - createRecord `dedupe` (the target object's duplicate rules, all or by id) or `match` (fields
 *   that must be equal): an existing record found that way is reused instead of creating one (查重).
 * Formulas read the record's fields by name, `$input`, `$created`, `$user` and `$now`.
 */
export interface RecordActionStepInput extends Omit<AutomationActionInput, 'kind'> {
  kind: RecordActionStepKind;
  when?: unknown;
  as?: string;
  dedupe?: boolean | string[];
  match?: string[];
}

export interface RecordActionStep extends Omit<AutomationAction, 'kind'> {
  kind: RecordActionStepKind;
  when?: unknown;
  as?: string;
  /** Duplicate rule ids of the created object. */
  dedupe?: string[];
  /** Field ids of the created object. */
  match?: string[];
}

export interface RecordActionInput {
  id?: string;
  name: string;
  label?: LocaleText | string;
  description?: LocaleText | string;
  /** The object whose records show the button (name or id). */
  object: string;
  /** Only members holding one of these roles see and run it (tenant admins always may); edit access to the record is always needed. */
  roles?: string[];
  /** JSON Logic over the record (`$user`, `$now`): when the button shows and may run, e.g. the lead is not converted yet. */
  condition?: unknown;
  /** Asked before running. */
  confirm?: LocaleText | string;
  input?: RecordActionInputFieldInput[];
  actions: RecordActionStepInput[];
}

export interface RecordAction {
  id: string;
  name: string;
  label: LocaleText;
  description?: LocaleText;
  /** Object id. */
  object: string;
  roles?: string[];
  condition?: unknown;
  confirm?: LocaleText;
  input: RecordActionInputField[];
  actions: RecordActionStep[];
}

/**
 * Workflows and approvals (issue 15): a BPMN diagram of the supported subset with Tangram's
 * attributes (namespace `tg`, see @tangram/bpmn), run by the process interpreter on records of one
 * object. See docs/adr/0013-process-interpreter.md.
 */
export const workflowStatuses = ['running', 'returned', 'approved', 'rejected', 'withdrawn'] as const;
export type WorkflowStatus = (typeof workflowStatuses)[number];

export interface WorkflowStartInput {
  /** A 提交审批 button on the record's page (default true). */
  button?: boolean;
  /** Start when a record is created (optionally only when `when` holds). */
  onCreate?: boolean;
  /** JSON Logic over the record: start on create or update when it becomes true. */
  when?: unknown;
}

export interface WorkflowInput {
  id?: string;
  name: string;
  label?: LocaleText | string;
  description?: LocaleText | string;
  /** The object whose records the process approves (name or id). */
  object: string;
  /** The diagram: BPMN 2.0 XML of the supported subset with `tg:` attributes. */
  bpmn: string;
  /** A select field of the object the outcomes set; users cannot set it by hand to a value the process owns. */
  statusField?: string;
  /** The option of `statusField` each instance status sets (unset statuses leave the field alone). */
  statusValues?: Partial<Record<WorkflowStatus, string>>;
  start?: WorkflowStartInput;
  /** Default true. An inactive workflow starts no new instance; running ones go on. */
  enabled?: boolean;
}

export interface Workflow {
  id: string;
  name: string;
  label: LocaleText;
  description?: LocaleText;
  /** Object id. */
  object: string;
  bpmn: string;
  /** The process read from `bpmn` at publish (what the interpreter runs). */
  process: import('./process').Process;
  /** Field id. */
  statusField?: string;
  statusValues: Partial<Record<WorkflowStatus, string>>;
  start: { button: boolean; onCreate: boolean; when?: unknown };
  enabled: boolean;
}

/**
 * Reports and dashboards (docs/guides/reports.md). A report is a dataset (a base object and its
 * filter), the dimensions it groups by and its measures, drawn as a chart. Field paths and filters
 * name fields (`account.region`), as filters do everywhere; publish checks them against the model.
 */
export const chartTypes = ['kpi', 'bar', 'column', 'line', 'area', 'pie', 'donut', 'funnel', 'gauge', 'map', 'table', 'pivot'] as const;
export type ChartType = (typeof chartTypes)[number];

export interface ReportDimensionInput {
  field: string;
  bucket?: 'day' | 'week' | 'month' | 'quarter' | 'year';
  level?: number;
  /** Days ago a date is, in bands (receivable aging): `[30, 60, 90]` → not_due, 1-30, 31-60, 61-90, >90. */
  ageBands?: number[];
  as?: string;
  label?: LocaleText | string;
}

export interface ReportMeasureInput {
  name: string;
  fn: 'count' | 'distinct' | 'sum' | 'avg' | 'min' | 'max' | 'ratio' | 'cumulative' | 'change' | 'stepRatio' | 'share' | 'rfm';
  field?: string;
  filter?: unknown;
  of?: string | [string, string] | [string, string, string];
  compare?: 'previous' | 'year';
  /** Days from this date field to `field` (a sales cycle) instead of the field's value. */
  from?: string;
  /** How many days ago `field` was (recency) instead of its value. */
  age?: boolean;
  label?: LocaleText | string;
  /** How values show: a plain number, money, a percentage. */
  format?: 'number' | 'currency' | 'percent';
}

export interface ReportChart {
  type: ChartType;
  /** Bars or areas stacked by the column dimension. */
  stacked?: boolean;
  /** A gauge's target: a number, or the name of a measure. */
  target?: number | string;
  /** A KPI card's comparison: the name of a measure shown next to the value (e.g. last period). */
  compare?: string;
}

/**
 * Targets to compare a report with: measures over another object (a sales target), grouped by the
 * report's own dimensions through `match` (each report dimension key → a field path of the target
 * object, grouped the same way), joined to the report's rows (`ratio: [actual, target]` is a
 * completion rate).
 */
export interface ReportTargetsInput {
  /** The target object (name or id). */
  object: string;
  filter?: unknown;
  match: Record<string, string>;
  values: ReportMeasureInput[];
  /** The target's date a dashboard's period filter narrows (none: targets are not narrowed by period). */
  dateField?: string;
}

export interface ReportInput {
  id?: string;
  name: string;
  label?: LocaleText | string;
  description?: LocaleText | string;
  /** The base object (name or id). */
  object: string;
  filter?: unknown;
  rows?: ReportDimensionInput[];
  columns?: ReportDimensionInput[];
  values: ReportMeasureInput[];
  sort?: { by: string; direction?: 'asc' | 'desc' }[];
  top?: { n: number; by: string; others?: boolean };
  /** `true`/`rows`: row subtotals and a grand total; `columns`: totals across the columns; `both`. */
  subtotals?: boolean | 'rows' | 'columns' | 'both';
  fiscalYearStart?: number;
  limit?: number;
  chart?: ReportChart;
  /** The date field a dashboard's period filter narrows (default: created_at). */
  dateField?: string;
  targets?: ReportTargetsInput;
}

export interface ReportDimension extends Omit<ReportDimensionInput, 'label'> {
  label?: LocaleText;
}

export interface ReportMeasure extends Omit<ReportMeasureInput, 'label'> {
  label?: LocaleText;
}

export interface ReportTargets extends Omit<ReportTargetsInput, 'values'> {
  /** Object id. */
  object: string;
  values: ReportMeasure[];
}

export interface Report extends Omit<ReportInput, 'id' | 'label' | 'description' | 'rows' | 'columns' | 'values' | 'chart' | 'targets'> {
  targets?: ReportTargets;
  id: string;
  label: LocaleText;
  description?: LocaleText;
  /** Object id. */
  object: string;
  rows: ReportDimension[];
  columns: ReportDimension[];
  values: ReportMeasure[];
  chart: ReportChart;
}

export interface DashboardWidgetInput {
  id: string;
  /** A report of the app (name or id). */
  report: string;
  title?: LocaleText | string;
  /** Grid place: 12 columns; x 0–11, w 1–12, rows of fixed height. */
  x: number;
  y: number;
  w: number;
  h: number;
}

export const dashboardFilters = ['period', 'owner', 'department'] as const;
export type DashboardFilter = (typeof dashboardFilters)[number];

export interface DashboardInput {
  id?: string;
  name: string;
  label?: LocaleText | string;
  description?: LocaleText | string;
  /** Roles that see it in their menu (none: everyone who may read its reports' objects). */
  roles?: string[];
  /** Shown on the app's home page (the first of these the member sees). */
  home?: boolean;
  /** Filters on top of the dashboard that narrow every widget. */
  filters?: DashboardFilter[];
  widgets: DashboardWidgetInput[];
}

export interface DashboardWidget extends Omit<DashboardWidgetInput, 'title'> {
  title?: LocaleText;
}

export interface Dashboard extends Omit<DashboardInput, 'id' | 'label' | 'description' | 'widgets' | 'roles' | 'home' | 'filters'> {
  id: string;
  label: LocaleText;
  description?: LocaleText;
  roles: string[];
  home: boolean;
  filters: DashboardFilter[];
  /** Widgets name reports by id. */
  widgets: DashboardWidget[];
}
