import { type FieldType, nullable } from '../field-type';
import { type SelectOption, activeKeys, optionsRemoved, selectOptionsSchema, twoOptions } from './select-options';

export const select: FieldType = {
  type: 'select',
  label: { 'zh-CN': '单选', en: 'Select' },
  optionsSchema: selectOptionsSchema,
  storage: 'column',
  column: () => 'text',
  kind: 'text',
  valueSchema: () => ({ type: 'string', maxLength: 64 }),
  check: (v, f) => (activeKeys(f).includes(v as string) ? undefined : `must be one of: ${activeKeys(f).join(', ')}`),
  conversion: { family: 'text', limit: (f) => ({ kind: 'oneOf', keys: activeKeys(f) }) },
  narrows: optionsRemoved,
  kanbanLanes: true,
  apiSchema: (f, described) => nullable({ ...described, enum: (f.options.options as SelectOption[]).map((o) => o.key) }),
  filterOperators: ['eq', 'ne', 'empty', 'notEmpty'],
  optionList: true,
  designerOptions: twoOptions,
  indexable: true,
  sortable: true,
  valueOrder: activeKeys,
  defaultWidget: 'select',
};
