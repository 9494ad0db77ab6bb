import type { ResolvedApp } from '@tangram/metadata';
import { describe, expect, it } from 'vitest';
import { zhCN } from '../i18n/dictionary';
import { describeConflictPath } from './market-page';

const t = (k: keyof typeof zhCN) => zhCN[k];
const label = (l: unknown, fallback?: string) => (l && typeof l === 'object' ? (l as Record<string, string>)['zh-CN'] : (l as string)) ?? fallback ?? '';
const app = {
  objects: [{ id: 'account', name: 'account', label: { 'zh-CN': '客户' }, fields: [{ id: 'name', name: 'name', label: { 'zh-CN': '客户名称' } }] }],
} as unknown as ResolvedApp;

describe('a template conflict’s place in words', () => {
  it('names objects and fields by their labels, and the parts of a label, a rule and its comparison', () => {
    expect(describeConflictPath('/objects[account]/fields[name]/label/zh-CN', app, t, label)).toBe('对象「客户」 › 字段「客户名称」 › 名称（zh-CN）');
    expect(describeConflictPath('/objects[account]/duplicateRules[dup_account_name]/match', app, t, label)).toBe(
      '对象「客户」 › 查重规则「dup_account_name」 › 比较方式',
    );
    expect(describeConflictPath('/objects[lead]/validationRules[mobile_format]', undefined, t, label)).toBe('对象「lead」 › 校验规则「mobile_format」');
  });
});
