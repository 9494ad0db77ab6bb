import type { FieldType } from '../field-type';
import { uuidSchema } from './reference';

/** A member of the tenant (the tenant's `_user` table). */
export const user: FieldType = {
  type: 'user',
  label: { 'zh-CN': '人员', en: 'User' },
  optionsSchema: { type: 'object', additionalProperties: false, properties: {} },
  storage: 'column',
  column: () => 'uuid',
  kind: 'uuid',
  valueSchema: () => uuidSchema,
  reference: { shape: 'single', toObject: false, target: () => '_user', onDelete: () => 'set null' },
  indexable: true,
  sortable: false,
  defaultWidget: 'user-picker',
};
