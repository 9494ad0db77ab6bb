import { truthy } from '@tangram/logic';
import type { Field } from '@tangram/metadata';
import { type FieldType, nullable } from '../field-type';
import { isCalendarDate } from './date';

const resultColumns: Record<string, (f: Field) => string> = {
  number: (f) => `numeric(${Number(f.options.precision)},${Number(f.options.scale)})`,
  text: () => 'text',
  boolean: () => 'boolean',
  date: () => 'date',
};

/** A formula's result as its declared type; what cannot be coerced becomes null. */
function coerce(value: unknown, f: Field): unknown {
  if (value === null || value === undefined) return null;
  const o = f.options;
  switch (o.resultType) {
    case 'number': {
      const n = typeof value === 'number' ? value : Number(value);
      if (!Number.isFinite(n)) return null;
      const rounded = Number(n.toFixed(Number(o.scale)));
      return Math.abs(rounded) < 10 ** (Number(o.precision) - Number(o.scale)) ? rounded : null;
    }
    case 'boolean':
      return truthy(value);
    case 'date':
      return typeof value === 'string' && isCalendarDate(value) ? value : null;
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

const apiTypes: Record<string, string> = { number: 'number', text: 'string', boolean: 'boolean', date: 'string' };

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
  computed: 'expression',
  coerce,
  apiSchema: (f, described) => nullable({ title: described.title, type: apiTypes[f.options.resultType as string] ?? 'string' }),
  designerOptions: () => ({ expression: 0, resultType: 'number' }),
  indexable: true,
  sortable: true,
  defaultWidget: 'formula-display',
};
