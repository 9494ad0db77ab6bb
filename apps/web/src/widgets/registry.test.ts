import { fieldTypes } from '@tangram/fields';
import type { FieldTypeName } from '@tangram/metadata';
import { describe, expect, it } from 'vitest';
import { widgets } from './registry';

const registered = Object.keys(fieldTypes) as FieldTypeName[];
const byType = widgets as Partial<Record<string, (typeof widgets)[FieldTypeName]>>;

describe('widget registry', () => {
  it.each(registered)('has an editor and a display for field type %s', (type) => {
    const w = byType[type];
    expect(w, `no widget for ${type}`).toBeDefined();
    expect(typeof w?.Editor).toBe('function');
    expect(typeof w?.Display).toBe('function');
    expect(w?.types).toContain(type);
  });

  it.each(registered)('uses the widget field type %s names as its default', (type) => {
    expect(byType[type]?.id).toBe(fieldTypes[type].defaultWidget);
  });

  it('has no widget for a type the field registry does not know', () => {
    expect(Object.keys(widgets).sort()).toEqual([...registered].sort());
  });
});
