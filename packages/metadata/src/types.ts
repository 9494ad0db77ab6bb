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
  archived?: boolean;
}

/** What an author publishes: a set of objects (an app package adds name/version/label). */
export interface AppInput {
  name?: string;
  version?: string;
  label?: LocaleText | string;
  objects: ObjectInput[];
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
  archived: boolean;
}

/** Normalised metadata: every id set, every default filled. This is what is published. */
export interface ResolvedApp {
  name: string;
  version: string;
  label: LocaleText;
  objects: ObjectDef[];
}
