import type { Field } from '@tangram/metadata';
import type { JsonSchema } from '../field-type';

/** The option list of select and multi-select: stable keys, order as listed, optional colour. */
export const selectOptionsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['options'],
  properties: {
    options: {
      type: 'array',
      minItems: 1,
      maxItems: 500,
      items: {
        type: 'object',
        required: ['key'],
        additionalProperties: false,
        properties: {
          key: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
          label: {
            oneOf: [
              { type: 'string', maxLength: 200 },
              { type: 'object', additionalProperties: { type: 'string', maxLength: 200 } },
            ],
          },
          color: { type: 'string', pattern: '^#[0-9a-fA-F]{6}$' },
          archived: { type: 'boolean' },
        },
      },
    },
  },
};

export interface SelectOption {
  key: string;
  label?: unknown;
  color?: string;
  archived?: boolean;
}

export function activeKeys(f: Field): string[] {
  return (f.options.options as SelectOption[]).filter((o) => !o.archived).map((o) => o.key);
}

/** Options removed (archiving keeps them): stored values may name a key that is gone. */
export function optionsRemoved(was: Field, now: Field): boolean {
  const keys = new Set((now.options.options as SelectOption[]).map((o) => o.key));
  return (was.options.options as SelectOption[]).some((o) => !keys.has(o.key));
}

/** The options of a select just dropped in the designer: two to rename. */
export const twoOptions = (): Record<string, unknown> => ({
  options: [
    { key: 'option_1', label: { 'zh-CN': '选项1', en: 'Option 1' } },
    { key: 'option_2', label: { 'zh-CN': '选项2', en: 'Option 2' } },
  ],
});
