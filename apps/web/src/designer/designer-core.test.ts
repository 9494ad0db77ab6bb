import { describe, expect, it } from 'vitest';
import type { FormLayout } from '../layout/form-layout';
import { commands, DesignHistory, freeFieldName, placeField } from './designer-core';

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
