import { AppError } from '@tangram/errors';
import { fieldTypes } from '@tangram/fields';
import { checkName } from '@tangram/metadata';
import type { ResolvedApp } from '@tangram/metadata';

type Doc = { objects: Record<string, unknown>[] } & Record<string, unknown>;
type Item = Record<string, unknown>;

/** A draft edit: one change to one object or field of the draft document. */
export type DraftEdit =
  | { op: 'object.add'; object: Item }
  | { op: 'object.update'; object: string; changes: Item }
  | { op: 'object.remove'; object: string }
  | { op: 'field.add'; object: string; field: Item }
  | { op: 'field.update'; object: string; field: string; changes: Item }
  | { op: 'field.remove'; object: string; field: string };

function isItem(v: unknown): v is Item {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function findObject(doc: Doc, name: string): Item {
  const o = doc.objects.find((x) => x.name === name);
  if (!o) throw new AppError('OBJECT_NOT_FOUND', { object: String(name).slice(0, 100) });
  return o;
}

function fieldsOf(o: Item): Item[] {
  if (!Array.isArray(o.fields)) o.fields = [];
  return o.fields as Item[];
}

function activeFields(o: Item): Item[] {
  return fieldsOf(o).filter((f) => !f.archived);
}

/** A fresh id for a new element named `name`, never one an existing or archived element holds. */
function freshId(name: string, taken: Set<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) {
    const id = `${name.slice(0, 58)}_${n}`;
    if (!taken.has(id)) return id;
  }
}

function requireName(value: unknown, path: string): string {
  const problem = checkName(value);
  if (problem) throw AppError.problems('METADATA_INVALID', [{ code: problem, path, message: `"${String(value).slice(0, 100)}" cannot be used as a name` }]);
  return value as string;
}

type OptionProps = Record<string, { default?: unknown }>;

/**
 * The options a field keeps when its type changes and no options were given: the new type's
 * defaults, plus the old options the new type declares without a default (a select's option
 * list when it becomes a multi-select, min/max of a number).
 */
function carriedOptions(old: unknown, type: unknown): Item | undefined {
  const t = typeof type === 'string' && Object.hasOwn(fieldTypes, type) ? fieldTypes[type as keyof typeof fieldTypes] : undefined;
  if (!t) return isItem(old) ? old : undefined;
  const props = ((t.optionsSchema as { properties?: OptionProps }).properties ?? {}) as OptionProps;
  const kept = Object.entries(isItem(old) ? old : {}).filter(([k]) => Object.hasOwn(props, k) && props[k]?.default === undefined);
  return Object.fromEntries(kept);
}

/**
 * Applies one edit to a draft (plain JSON, checked in full only when planned or published).
 * Renames keep the element's id (its column); a new element whose name an archived or
 * renamed element once had gets a fresh id, so it never picks up that element's data.
 */
export function applyDraftEdit(draft: unknown, published: ResolvedApp | undefined, edit: DraftEdit): Doc {
  const doc = structuredClone(isItem(draft) ? draft : { objects: [] }) as Doc;
  if (!Array.isArray(doc.objects)) doc.objects = [];
  const publishedObject = (id: unknown) => published?.objects.find((o) => o.id === id);
  switch (edit.op) {
    case 'object.add': {
      if (!isItem(edit.object))
        throw new AppError('METADATA_INVALID', { problems: [{ code: 'METADATA_INVALID', path: '/object', message: 'must be an object' }] });
      const name = requireName(edit.object.name, '/object/name');
      if (doc.objects.some((o) => o.name === name)) throw new AppError('NAME_DUPLICATE', { object: name });
      const taken = new Set([...doc.objects.map((o) => String(o.id ?? o.name)), ...(published?.objects.map((o) => o.id) ?? [])]);
      doc.objects.push({ ...edit.object, id: edit.object.id ?? freshId(name, taken), fields: Array.isArray(edit.object.fields) ? edit.object.fields : [] });
      return doc;
    }
    case 'object.update': {
      const o = findObject(doc, edit.object);
      if (!isItem(edit.changes))
        throw new AppError('METADATA_INVALID', { problems: [{ code: 'METADATA_INVALID', path: '/changes', message: 'must be an object' }] });
      const { id: _id, fields: _fields, ...changes } = edit.changes;
      if (changes.name !== undefined) requireName(changes.name, '/changes/name');
      o.id ??= o.name;
      Object.assign(o, changes);
      return doc;
    }
    case 'object.remove':
      findObject(doc, edit.object);
      doc.objects = doc.objects.filter((o) => o.name !== edit.object);
      return doc;
    case 'field.add': {
      const o = findObject(doc, edit.object);
      if (!isItem(edit.field))
        throw new AppError('METADATA_INVALID', { problems: [{ code: 'METADATA_INVALID', path: '/field', message: 'must be an object' }] });
      const name = requireName(edit.field.name, '/field/name');
      if (activeFields(o).some((f) => f.name === name)) throw new AppError('NAME_DUPLICATE', { object: edit.object, field: name });
      const taken = new Set([...fieldsOf(o).map((f) => String(f.id ?? f.name)), ...(publishedObject(o.id ?? o.name)?.fields.map((f) => f.id) ?? [])]);
      fieldsOf(o).push({ ...edit.field, id: edit.field.id ?? freshId(name, taken) });
      return doc;
    }
    case 'field.update': {
      const o = findObject(doc, edit.object);
      const f = activeFields(o).find((x) => x.name === edit.field);
      if (!f) throw new AppError('FIELD_NOT_FOUND', { object: edit.object, field: String(edit.field).slice(0, 100) });
      if (!isItem(edit.changes))
        throw new AppError('METADATA_INVALID', { problems: [{ code: 'METADATA_INVALID', path: '/changes', message: 'must be an object' }] });
      const { id: _id, ...changes } = edit.changes;
      if (changes.name !== undefined) {
        requireName(changes.name, '/changes/name');
        if (changes.name !== f.name && activeFields(o).some((x) => x.name === changes.name))
          throw new AppError('NAME_DUPLICATE', { object: edit.object, field: changes.name });
      }
      f.id ??= f.name;
      if (changes.type !== undefined && changes.type !== f.type && !('options' in changes)) changes.options = carriedOptions(f.options, changes.type);
      Object.assign(f, changes);
      return doc;
    }
    case 'field.remove': {
      const o = findObject(doc, edit.object);
      if (!activeFields(o).some((x) => x.name === edit.field))
        throw new AppError('FIELD_NOT_FOUND', { object: edit.object, field: String(edit.field).slice(0, 100) });
      o.fields = fieldsOf(o).filter((x) => x.archived || x.name !== edit.field);
      return doc;
    }
  }
}
