import type { FieldType } from '../field-type';
import { targetOptionsSchema, uuidSchema } from './reference';

/** Many-to-one: a foreign key to `options.target` (an object id). */
export const lookup: FieldType = {
  type: 'lookup',
  label: { 'zh-CN': '关联', en: 'Lookup' },
  optionsSchema: targetOptionsSchema({ onDelete: { enum: ['restrict', 'setNull'], default: 'restrict' } }),
  storage: 'column',
  column: () => 'uuid',
  kind: 'uuid',
  valueSchema: () => uuidSchema,
  reference: {
    shape: 'single',
    toObject: true,
    target: (f) => f.options.target as string,
    onDelete: (f) => (f.options.onDelete === 'setNull' ? 'set null' : 'restrict'),
  },
  designerOptions: (other) => ({ target: other }),
  indexable: true,
  sortable: false,
  defaultWidget: 'record-picker',
};
