import { fieldTypes, resolveApp } from '@tangram/fields';
import type { FieldTypeName } from '@tangram/metadata';
import { describe, expect, it } from 'vitest';
import { applyDraftEdit } from './draft-edits';

const published = resolveApp({
  objects: [
    {
      name: 'device',
      fields: [
        { name: 'name', type: 'text' },
        { name: 'old', type: 'text', archived: true },
      ],
    },
  ],
});

function failure(fn: () => unknown): { code: string } {
  try {
    fn();
  } catch (e) {
    return e as { code: string };
  }
  throw new Error('expected a failure');
}

describe('draft edits', () => {
  it('adds an object and fields to an empty draft', () => {
    let doc = applyDraftEdit(undefined, undefined, { op: 'object.add', object: { name: 'device', label: '设备' } });
    doc = applyDraftEdit(doc, undefined, { op: 'field.add', object: 'device', field: { name: 'name', type: 'text' } });
    expect(doc).toEqual({ objects: [{ id: 'device', name: 'device', label: '设备', fields: [{ id: 'name', name: 'name', type: 'text' }] }] });
  });

  it('renames a field keeping its id, so its column and data stay', () => {
    const doc = applyDraftEdit(published, published, { op: 'field.update', object: 'device', field: 'name', changes: { name: 'title', id: 'hijack' } });
    expect(doc.objects[0]?.fields).toContainEqual(expect.objectContaining({ id: 'name', name: 'title' }));
  });

  it('gives a new field that takes an archived field’s name a fresh id', () => {
    const doc = applyDraftEdit(published, published, { op: 'field.add', object: 'device', field: { name: 'old', type: 'integer' } });
    expect((doc.objects[0]!.fields as { id: string; name: string }[]).filter((f) => f.name === 'old').map((f) => f.id)).toEqual(['old', 'old_2']);
    expect(resolveApp(doc).objects[0]?.fields.find((f) => f.id === 'old_2')?.type).toBe('integer');
  });

  it('refuses duplicate and malformed names and unknown targets with stable codes', () => {
    expect(failure(() => applyDraftEdit(published, published, { op: 'field.add', object: 'device', field: { name: 'name', type: 'text' } })).code).toBe(
      'NAME_DUPLICATE',
    );
    expect(failure(() => applyDraftEdit(published, published, { op: 'field.add', object: 'device', field: { name: 'Bad Name', type: 'text' } })).code).toBe(
      'METADATA_INVALID',
    );
    expect(failure(() => applyDraftEdit(published, published, { op: 'field.remove', object: 'device', field: 'nope' })).code).toBe('FIELD_NOT_FOUND');
    expect(failure(() => applyDraftEdit(published, published, { op: 'object.remove', object: 'nope' })).code).toBe('OBJECT_NOT_FOUND');
  });

  it('removes a field from the draft (publishing then archives it)', () => {
    const doc = applyDraftEdit(published, published, { op: 'field.remove', object: 'device', field: 'name' });
    expect((doc.objects[0]!.fields as { name: string }[]).map((f) => f.name)).toEqual(['old']);
  });

  it('changes a field type without options: the new type takes its defaults, keeping what it has no default for', () => {
    const app = resolveApp({
      objects: [
        {
          name: 'device',
          fields: [
            { name: 'name', type: 'text' },
            { name: 'price', type: 'decimal', options: { scale: 4, min: 0 } },
            { name: 'kind', type: 'select', options: { options: [{ key: 'a' }, { key: 'b' }] } },
          ],
        },
      ],
    });
    let doc = applyDraftEdit(app, app, { op: 'field.update', object: 'device', field: 'name', changes: { type: 'integer' } });
    doc = applyDraftEdit(doc, app, { op: 'field.update', object: 'device', field: 'price', changes: { type: 'currency' } });
    doc = applyDraftEdit(doc, app, { op: 'field.update', object: 'device', field: 'kind', changes: { type: 'multiselect' } });
    const fields = resolveApp(doc).objects[0]?.fields;
    expect(fields?.map((f) => [f.name, f.type, f.options])).toEqual([
      ['name', 'integer', {}],
      ['price', 'currency', { precision: 18, scale: 2, min: 0, currency: 'CNY' }],
      ['kind', 'multiselect', { options: [{ key: 'a' }, { key: 'b' }] }],
    ]);
  });

  it('changes any field type to any other without options, when the new type needs no option the old one lacks', () => {
    const needs = (t: FieldTypeName) => ((fieldTypes[t].optionsSchema as { required?: string[] }).required ?? []) as string[];
    const sample: Record<string, Record<string, unknown>> = { select: { options: [{ key: 'a' }] }, multiselect: { options: [{ key: 'a' }] } };
    const types = (Object.keys(fieldTypes) as FieldTypeName[]).filter((t) => needs(t).every((k) => sample[t]?.[k] !== undefined));
    for (const from of types)
      for (const to of types) {
        const app = resolveApp({ objects: [{ name: 'device', fields: [{ name: 'v', type: from, options: sample[from] ?? {} }] }] });
        if (needs(to).some((k) => !(k in (app.objects[0]?.fields[0]?.options ?? {})))) continue;
        const doc = applyDraftEdit(app, app, { op: 'field.update', object: 'device', field: 'v', changes: { type: to } });
        expect(resolveApp(doc).objects[0]?.fields[0]?.type, `${from} → ${to}`).toBe(to);
      }
  });
});
