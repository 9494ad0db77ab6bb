import type { FieldType } from '../field-type';
import { activeKeys, selectOptionsSchema } from './select-options';

export const select: FieldType = {
  type: 'select',
  label: { 'zh-CN': '单选', en: 'Select' },
  optionsSchema: selectOptionsSchema,
  storage: 'column',
  column: () => 'text',
  kind: 'text',
  valueSchema: () => ({ type: 'string', maxLength: 64 }),
  check: (v, f) => (activeKeys(f).includes(v as string) ? undefined : `must be one of: ${activeKeys(f).join(', ')}`),
  indexable: true,
  sortable: true,
  defaultWidget: 'select',
};
