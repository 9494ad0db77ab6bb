import type { FieldType } from '../field-type';
import { targetOptionsSchema, uuidSchema } from './reference';

/**
 * The detail side of master-detail: a required foreign key to the master. Detail lines are
 * written with their master, and deleted (to the recycle bin) and restored with it.
 */
export const masterdetail: FieldType = {
  type: 'masterdetail',
  label: { 'zh-CN': '主从明细', en: 'Master-detail' },
  optionsSchema: targetOptionsSchema({ detailName: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' } }),
  storage: 'column',
  column: () => 'uuid',
  kind: 'uuid',
  valueSchema: () => uuidSchema,
  reference: { shape: 'single', toObject: true, master: true, target: (f) => f.options.target as string, onDelete: () => 'cascade' },
  designerOptions: (other) => ({ target: other }),
  indexable: true,
  sortable: false,
  defaultWidget: 'record-picker',
};
