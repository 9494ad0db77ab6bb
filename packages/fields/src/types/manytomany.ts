import type { FieldType } from '../field-type';
import { targetOptionsSchema, uuidSchema } from './reference';

/** Many-to-many through a junction table; the value is the list of related record ids. */
export const manytomany: FieldType = {
  type: 'manytomany',
  label: { 'zh-CN': '多对多关联', en: 'Many-to-many' },
  optionsSchema: targetOptionsSchema(),
  storage: 'junction',
  column: () => 'uuid',
  kind: null,
  valueSchema: () => ({ type: 'array', items: uuidSchema, uniqueItems: true, maxItems: 1000 }),
  reference: { shape: 'junction', toObject: true, target: (f) => f.options.target as string, onDelete: () => 'cascade' },
  designerOptions: (other) => ({ target: other }),
  indexable: false,
  sortable: false,
  defaultWidget: 'record-multi-picker',
};
