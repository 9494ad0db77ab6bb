import type { FieldType } from '../field-type';
import { activeKeys, optionsRemoved, selectOptionsSchema, twoOptions } from './select-options';

export const multiselect: FieldType = {
  type: 'multiselect',
  label: { 'zh-CN': '多选', en: 'Multi-select' },
  optionsSchema: selectOptionsSchema,
  storage: 'column',
  column: () => 'text[]',
  kind: 'textList',
  valueSchema: () => ({ type: 'array', items: { type: 'string', maxLength: 64 }, uniqueItems: true, maxItems: 500 }),
  check: (v, f) => {
    const keys = activeKeys(f);
    const bad = (v as string[]).filter((k) => !keys.includes(k));
    return bad.length ? `unknown options: ${bad.join(', ')}` : undefined;
  },
  conversion: { family: 'textList', limit: (f) => ({ kind: 'subsetOf', keys: activeKeys(f) }) },
  narrows: optionsRemoved,
  optionList: true,
  designerOptions: twoOptions,
  indexable: false,
  sortable: false,
  defaultWidget: 'multi-select',
};
