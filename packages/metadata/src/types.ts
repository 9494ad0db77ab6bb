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

/** What an author publishes: a set of objects (an app package adds name/version/label). */
export interface AppInput {
  name?: string;
  version?: string;
  label?: LocaleText | string;
  objects: ObjectInput[];
  forms?: FormInput[];
  views?: ViewInput[];
  menu?: MenuItemInput[];
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

/** Normalised metadata: every id set, every default filled. This is what is published. */
export interface ResolvedApp {
  name: string;
  version: string;
  label: LocaleText;
  objects: ObjectDef[];
  forms: Form[];
  views: View[];
  menu: MenuItem[];
}
