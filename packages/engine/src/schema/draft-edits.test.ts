import { resolveApp } from '@tangram/fields';
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
});
