export type { ColumnFamily, ColumnLimit, Computation, FieldType, FilterOperator, JsonSchema, Reference } from './field-type';
export { nullable } from './field-type';
export { fieldTypes, fieldType, filterOperators, kindOf, referenceTypes } from './registry';
export { resolveApp } from './resolve';
export { logicSchema, systemFieldKinds } from './logic-schema';
export { valueProblem, normalizeValue } from './values';
export { isCalendarDate } from './types/date';
export { activeKeys, type SelectOption } from './types/select-options';
export { renderFieldTypesMarkdown } from './render-docs';
