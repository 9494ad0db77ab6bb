import type { FieldType } from '../field-type';
import { checkNumeric, numericColumn, numericConversion, numericOptionsSchema, numericValueSchema } from './numeric';

export const decimal: FieldType = {
  type: 'decimal',
  label: { 'zh-CN': '小数', en: 'Decimal' },
  optionsSchema: numericOptionsSchema(18, 4),
  storage: 'column',
  column: numericColumn,
  kind: 'number',
  valueSchema: numericValueSchema,
  check: checkNumeric,
  conversion: numericConversion,
  indexable: true,
  sortable: true,
  defaultWidget: 'number-input',
};
