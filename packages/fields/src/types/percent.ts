import type { FieldType } from '../field-type';
import { checkNumeric, numericColumn, numericConversion, numericOptionsSchema, numericValueSchema } from './numeric';

/** Stored as the number shown: 15 means 15 %. */
export const percent: FieldType = {
  type: 'percent',
  label: { 'zh-CN': '百分比', en: 'Percent' },
  optionsSchema: numericOptionsSchema(9, 4),
  storage: 'column',
  column: numericColumn,
  kind: 'number',
  valueSchema: numericValueSchema,
  check: checkNumeric,
  conversion: numericConversion,
  indexable: true,
  sortable: true,
  defaultWidget: 'percent-input',
};
