import type { ValueKind } from '@tangram/logic';
import type { Field, FieldTypeName } from '@tangram/metadata';
import type { FieldType, FilterOperator } from './field-type';
import { attachment } from './types/attachment';
import { autonumber } from './types/autonumber';
import { boolean } from './types/boolean';
import { currency } from './types/currency';
import { date } from './types/date';
import { datetime } from './types/datetime';
import { decimal } from './types/decimal';
import { department } from './types/department';
import { emailType } from './types/email';
import { formula } from './types/formula';
import { integer } from './types/integer';
import { json } from './types/json';
import { lookup } from './types/lookup';
import { manytomany } from './types/manytomany';
import { masterdetail } from './types/masterdetail';
import { multiselect } from './types/multiselect';
import { percent } from './types/percent';
import { phoneType } from './types/phone';
import { richtext } from './types/richtext';
import { rollup } from './types/rollup';
import { select } from './types/select';
import { text } from './types/text';
import { textarea } from './types/textarea';
import { urlType } from './types/url';
import { user } from './types/user';

/** Every field type, by name. A missing entry fails to compile. */
export const fieldTypes = {
  text,
  textarea,
  richtext,
  integer,
  decimal,
  currency,
  percent,
  boolean,
  date,
  datetime,
  select,
  multiselect,
  email: emailType,
  phone: phoneType,
  url: urlType,
  autonumber,
  lookup,
  masterdetail,
  manytomany,
  user,
  department,
  attachment,
  formula,
  rollup,
  json,
} satisfies Record<FieldTypeName, FieldType>;

export function fieldType(type: FieldTypeName): FieldType {
  return fieldTypes[type];
}

/** The condition-language kind of a field's values, or null when it cannot be filtered on. */
export function kindOf(field: Field): ValueKind | null {
  const t = fieldTypes[field.type];
  return t.kindOf ? t.kindOf(field) : t.kind;
}

/** The field types whose value is a reference to records of an object of the app (lookup, master-detail, many-to-many). */
export const referenceTypes: ReadonlySet<FieldTypeName> = new Set(
  (Object.values(fieldTypes) as FieldType[]).filter((t) => t.reference?.toObject).map((t) => t.type),
);

const textOperators: readonly FilterOperator[] = ['contains', 'eq', 'ne', 'empty', 'notEmpty'];
const ordered: readonly FilterOperator[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'empty', 'notEmpty'];
const operatorsByKind: Record<ValueKind, readonly FilterOperator[]> = {
  text: textOperators,
  number: ordered,
  date: ordered,
  datetime: ordered,
  boolean: ['eq'],
  uuid: ['eq', 'ne', 'empty', 'notEmpty'],
  textList: ['contains', 'empty', 'notEmpty'],
  json: ['empty', 'notEmpty'],
};

/** The operators the filter builder offers on a field: its type's own, or its kind's; none when it cannot be filtered on. */
export function filterOperators(field: Field): readonly FilterOperator[] {
  const own = fieldTypes[field.type].filterOperators;
  if (own) return own;
  const kind = kindOf(field);
  return kind ? operatorsByKind[kind] : [];
}
