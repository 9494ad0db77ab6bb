import type { FieldType } from '../field-type';
import { uuidSchema } from './reference';

/** A department of the tenant (the tenant's `_department` table). */
export const department: FieldType = {
  type: 'department',
  label: { 'zh-CN': '部门', en: 'Department' },
  optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
  storage: 'column',
  column: () => 'uuid',
  kind: 'uuid',
  valueSchema: () => uuidSchema,
  reference: { shape: 'single', toObject: false, target: () => '_department', onDelete: () => 'set null' },
  indexable: true,
  sortable: false,
  defaultWidget: 'department-picker',
};
