import { type ObjectDef, appSchema } from '@tangram/metadata';
import { describe, expect, it } from 'vitest';
import { fitLayout, formColumnCounts } from './form-layout';
import { formOf, withForm } from './metadata-forms';

/** The column counts the metadata schema allows for a form section (the source of truth). */
function allowedColumns(): number[] {
  const form = appSchema.properties.forms.items as unknown as {
    properties: { tabs: { items: { properties: { sections: { items: { properties: { columns: { enum: number[] } } } } } } } };
  };
  return form.properties.tabs.items.properties.sections.items.properties.columns.enum;
}

const object = {
  id: 'obj_ticket',
  name: 'ticket',
  fields: ['title', 'hours', 'note'].map((name) => ({ id: `fld_${name}`, name, type: 'text', archived: false })),
} as unknown as ObjectDef;

/** A draft as the designer holds it: one form of the object, with a section of `columns`, another of 1. */
const draft = (columns: number) => ({
  objects: [],
  forms: [
    {
      id: 'frm_ticket',
      name: 'ticket_form',
      object: 'ticket',
      tabs: [
        {
          id: 'main',
          sections: [
            { id: 'a', columns, fields: ['title', 'hours'] },
            { id: 'b', columns: 1, fields: ['note'] },
          ],
        },
      ],
      rules: { note: { visible: { '==': [{ var: 'title' }, 'x'] } } },
    },
  ],
});

describe('form documents between the metadata and the designer', () => {
  it('the designer offers exactly the column counts the metadata allows', () => {
    expect([...formColumnCounts]).toEqual(allowedColumns());
  });

  it.each(allowedColumns())('keeps a section of %i columns through the round trip, also when another section changes', (columns) => {
    const doc = draft(columns);
    const layout = fitLayout(formOf(doc, object), object);
    expect(layout.tabs[0]?.sections.map((s) => s.columns)).toEqual([columns, 1]);
    expect(withForm(doc, 'ticket', layout)).toEqual(doc);

    // The designer saves the whole form after any change: the untouched section keeps its columns.
    const edited = { ...layout, tabs: layout.tabs.map((t) => ({ ...t, sections: t.sections.map((s) => (s.id === 'b' ? { ...s, columns: 2 as const } : s)) })) };
    const saved = withForm(doc, 'ticket', edited).forms[0];
    expect(saved?.tabs[0]?.sections.map((s) => s.columns)).toEqual([columns, 2]);
  });
});
