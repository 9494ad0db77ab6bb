import { describe, expect, it } from 'vitest';
import type { FormLayout } from '../layout/form-layout';
import {
  commands,
  DesignHistory,
  duplicateRuleOf,
  fieldPlace,
  freeFieldName,
  lookupPathFields,
  placeField,
  shiftField,
  withDuplicateMatch,
} from './designer-core';

const doc = () => ({ objects: [{ name: 'device', fields: [{ name: 'name', type: 'text' as const }] }] });

describe('DesignHistory', () => {
  it('adds a field, undoes and redoes it', () => {
    const h = new DesignHistory(doc());
    h.execute(commands['field.add']('device', { name: 'status', type: 'select', options: { options: [{ key: 'ok' }] } }, 1));
    expect(h.doc.objects[0]?.fields.map((f) => f.name)).toEqual(['name', 'status']);
    h.undo();
    expect(h.doc.objects[0]?.fields.map((f) => f.name)).toEqual(['name']);
    h.redo();
    expect(h.doc.objects[0]?.fields.map((f) => f.name)).toEqual(['name', 'status']);
    expect(h.canRedo).toBe(false);
  });

  it('moves a field and moves it back on undo', () => {
    const h = new DesignHistory(doc());
    h.execute(commands['field.add']('device', { name: 'a', type: 'integer' }, 1));
    h.execute(commands['field.move']('device', 1, 0));
    expect(h.doc.objects[0]?.fields.map((f) => f.name)).toEqual(['a', 'name']);
    h.undo();
    expect(h.doc.objects[0]?.fields.map((f) => f.name)).toEqual(['name', 'a']);
  });

  it('renames a field and restores the old name on undo', () => {
    const h = new DesignHistory(doc());
    h.execute(commands['field.update']('device', { name: 'name', type: 'text' }, { name: 'title', type: 'text', label: '标题' }));
    expect(h.doc.objects[0]?.fields[0]).toEqual({ name: 'title', type: 'text', label: '标题' });
    h.undo();
    expect(h.doc.objects[0]?.fields[0]).toEqual({ name: 'name', type: 'text' });
  });

  it('forgets undone commands once a new one runs', () => {
    const h = new DesignHistory(doc());
    h.execute(commands['field.add']('device', { name: 'a', type: 'text' }, 1));
    h.undo();
    h.execute(commands['field.add']('device', { name: 'b', type: 'text' }, 1));
    expect(h.canRedo).toBe(false);
  });
});

describe('freeFieldName', () => {
  it('numbers new fields per type', () => {
    expect(freeFieldName({ name: 'x', fields: [{ name: 'text_1', type: 'text' }] }, 'text')).toBe('text_2');
  });
});

describe('placeField', () => {
  const layout: FormLayout = {
    tabs: [
      {
        id: 'main',
        sections: [
          { id: 'a', columns: 2, fields: ['name', 'status'] },
          { id: 'b', columns: 1, fields: ['notes'] },
        ],
      },
    ],
  };
  it('moves a field before another in another section', () => {
    const next = placeField(layout, 'status', { tab: 'main', section: 'b', before: 'notes' });
    expect(next.tabs[0]?.sections.map((s) => s.fields)).toEqual([['name'], ['status', 'notes']]);
  });
  it('appends a field placed on a section', () => {
    const next = placeField(layout, 'price', { tab: 'main', section: 'a' });
    expect(next.tabs[0]?.sections[0]?.fields).toEqual(['name', 'status', 'price']);
  });
});

describe('moving a field on the form from the keyboard', () => {
  const layout: FormLayout = {
    tabs: [
      {
        id: 'main',
        sections: [
          { id: 's1', columns: 2, fields: ['a', 'b', 'c'] },
          { id: 's2', columns: 1, fields: ['d'] },
        ],
      },
    ],
  };
  const order = (l: FormLayout) => l.tabs[0]?.sections.map((s) => s.fields.join(',')).join(' | ');

  it('shifts within its section and stops at either end', () => {
    expect(order(shiftField(layout, 'b', -1))).toBe('b,a,c | d');
    expect(order(shiftField(layout, 'b', 1))).toBe('a,c,b | d');
    expect(order(shiftField(layout, 'a', -1))).toBe('a,b,c | d');
    expect(order(shiftField(layout, 'c', 1))).toBe('a,b,c | d');
    expect(order(shiftField(layout, 'x', 1))).toBe('a,b,c | d');
  });

  it('tells where a field is', () => {
    expect(fieldPlace(layout, 'c')).toEqual({ tab: 'main', section: 's1', index: 2, count: 3 });
    expect(fieldPlace(layout, 'x')).toBeUndefined();
  });
});

describe('duplicate rules (查重) in the designer', () => {
  const account = {
    name: 'account',
    fields: [
      { id: 'name', name: 'name', type: 'text' as const },
      { id: 'tel', name: 'phone', type: 'phone' as const },
    ],
    duplicateRules: [{ id: 'dup_phone', field: 'tel', match: 'phone' as const, message: '电话重复' }],
  };
  const [name, phone] = account.fields as [(typeof account.fields)[0], (typeof account.fields)[0]];

  it('finds a field’s rule by the field’s id or name, changes its match and keeps its message', () => {
    expect(duplicateRuleOf(account, phone)?.id).toBe('dup_phone');
    expect(duplicateRuleOf(account, name)).toBeUndefined();
    expect(withDuplicateMatch(account, phone, 'exact')).toEqual([{ id: 'dup_phone', field: 'tel', match: 'exact', message: '电话重复' }]);
  });

  it('adds a rule under a free id and removes one, and undo brings the rules back', () => {
    const taken = { ...account, duplicateRules: [...account.duplicateRules, { id: 'dup_name', field: 'phone', match: 'exact' as const }] };
    expect(withDuplicateMatch(taken, name, 'company').at(-1)).toEqual({ id: 'dup_name_2', field: 'name', match: 'company' });
    expect(withDuplicateMatch(account, phone, undefined)).toEqual([]);
    const h = new DesignHistory({ objects: [account] });
    h.execute(
      commands['object.update']('account', { duplicateRules: account.duplicateRules }, { duplicateRules: withDuplicateMatch(account, name, 'company') }),
    );
    expect(h.doc.objects[0]?.duplicateRules?.map((r) => r.id)).toEqual(['dup_phone', 'dup_name']);
    h.undo();
    expect(h.doc.objects[0]?.duplicateRules).toEqual(account.duplicateRules);
  });
});

describe('lookup paths in the condition builder', () => {
  it('offers the fields of each lookup’s object, one lookup deep, named by path and labelled through the lookup', () => {
    const objects = [
      {
        name: 'company',
        fields: [
          { name: 'level', type: 'select' as const, label: { 'zh-CN': '级别' }, options: { options: [{ key: 'A' }] } },
          { name: 'tags', type: 'manytomany' as const, options: { target: 'company' } },
        ],
      },
      {
        name: 'deal',
        fields: [
          { name: 'title', type: 'text' as const },
          { name: 'company', type: 'lookup' as const, label: { 'zh-CN': '客户' }, options: { target: 'company' } },
          { name: 'owner2', type: 'user' as const },
        ],
      },
    ];
    const fields = lookupPathFields(objects[1]!, objects);
    expect(fields.map((f) => [f.name, f.label, f.type])).toEqual([['company.level', { 'zh-CN': '客户 › 级别' }, 'select']]);
  });
});
