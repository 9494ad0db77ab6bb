import type { Field } from '@tangram/metadata';
import type { FieldType } from '../field-type';

const resultColumns: Record<string, (f: Field) => string> = {
  number: (f) => `numeric(${Number(f.options.precision)},${Number(f.options.scale)})`,
  text: () => 'text',
  boolean: () => 'boolean',
  date: () => 'date',
};

/**
 * A value computed from the record by a JSON Logic expression each time the record is written,
 * and stored, so it can be filtered, sorted and reported on like any other column.
 */
export const formula: FieldType = {
  type: 'formula',
  label: { 'zh-CN': '公式', en: 'Formula' },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['expression', 'resultType'],
    properties: {
      expression: {},
      resultType: { enum: ['number', 'text', 'boolean', 'date'] },
      precision: { type: 'integer', minimum: 1, maximum: 30, default: 18 },
      scale: { type: 'integer', minimum: 0, maximum: 10, default: 2 },
    },
  },
  storage: 'column',
  column: (f) => (resultColumns[f.options.resultType as string] ?? resultColumns.text!)(f),
  kind: null,
  kindOf: (f) => (({ number: 'number', text: 'text', boolean: 'boolean', date: 'date' })[f.options.resultType as string] as 'number') ?? null,
  valueSchema: () => ({}),
  computed: true,
  indexable: true,
  sortable: true,
  defaultWidget: 'formula-display',
};
