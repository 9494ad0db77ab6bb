import { type FieldType, nullable } from '../field-type';

/**
 * A number the engine assigns on create, e.g. format `HT-{YYYY}{MM}-{0000}` → HT-202611-0042.
 * Tokens: {YYYY} {YY} {MM} {DD} and one counter {000…} whose width pads the number. The counter
 * restarts when the date part of the number changes (per day, month or year as the format says).
 */
export const autonumber: FieldType = {
  type: 'autonumber',
  label: { 'zh-CN': '自动编号', en: 'Auto number' },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      format: { type: 'string', maxLength: 64, pattern: '^[^{}]*(\\{(YYYY|YY|MM|DD|0+)\\}[^{}]*)*$', default: '{000000}' },
      start: { type: 'integer', minimum: 0, default: 1 },
    },
  },
  storage: 'column',
  column: () => 'text',
  kind: 'text',
  valueSchema: () => ({ type: 'string' }),
  computed: 'sequence',
  alwaysUnique: true,
  textSearch: true,
  apiSchema: (_f, described) => nullable({ title: described.title, type: 'string' }),
  indexable: true,
  sortable: true,
  defaultWidget: 'text-display',
};
