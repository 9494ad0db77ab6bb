import { type FieldType, nullable } from '../field-type';

/**
 * count / sum / min / max over the records of `options.object` whose `options.via` (a lookup or
 * master-detail field of that object) points at this record. Recomputed in the same transaction
 * whenever one of those records is written.
 */
export const rollup: FieldType = {
  type: 'rollup',
  label: { 'zh-CN': '汇总', en: 'Rollup' },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['object', 'via', 'aggregate'],
    properties: {
      object: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' },
      via: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' },
      aggregate: { enum: ['count', 'sum', 'min', 'max'] },
      field: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' },
      precision: { type: 'integer', minimum: 1, maximum: 30, default: 18 },
      scale: { type: 'integer', minimum: 0, maximum: 10, default: 2 },
    },
  },
  storage: 'column',
  column: (f) => `numeric(${Number(f.options.precision)},${Number(f.options.scale)})`,
  kind: 'number',
  valueSchema: () => ({}),
  computed: 'aggregate',
  apiSchema: (_f, described) => nullable({ title: described.title, type: 'number' }),
  designerOptions: (other) => ({ object: other, via: '', aggregate: 'count' }),
  indexable: true,
  sortable: true,
  defaultWidget: 'number-display',
};
