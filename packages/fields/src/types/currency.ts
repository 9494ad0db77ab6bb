import type { FieldType } from '../field-type';
import { checkNumeric, numericColumn, numericConversion, numericOptionsSchema, numericValueSchema } from './numeric';

export const currency: FieldType = {
  type: 'currency',
  label: { 'zh-CN': '金额', en: 'Currency' },
  optionsSchema: numericOptionsSchema(18, 2, { currency: { type: 'string', pattern: '^[A-Z]{3}$', default: 'CNY' } }),
  storage: 'column',
  column: numericColumn,
  kind: 'number',
  valueSchema: numericValueSchema,
  check: checkNumeric,
  conversion: numericConversion,
  indexable: true,
  sortable: true,
  defaultWidget: 'currency-input',
};
