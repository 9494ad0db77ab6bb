import { fieldTypes } from '@tangram/fields';
import type { DuplicateMatch, DuplicateRuleInput, Field, FieldInput, ObjectInput } from '@tangram/metadata';
import type { FormLayout } from '../layout/form-layout';

/** The document the designer edits: the tenant's draft metadata, as plain data. */
export interface DesignDoc {
  objects: ObjectInput[];
  forms?: unknown[];
  [key: string]: unknown;
}

/** A named list of the draft (`automations`, `recordActions`): none yet is an empty list. */
export function namedList<T extends { name: string }>(doc: DesignDoc, key: string): T[] {
  return Array.isArray(doc[key]) ? (doc[key] as T[]) : [];
}

const replaceNamed = <T extends { name: string }>(list: T[], name: string, next: T | undefined): T[] => {
  const i = list.findIndex((a) => a.name === name);
  if (i < 0) return next ? [...list, next] : list;
  return next ? list.map((a, j) => (j === i ? next : a)) : list.filter((_, j) => j !== i);
};

/** Puts an item of a named list into the draft: `before` (undefined: new) becomes `after` (undefined: removed). */
export function putNamed<T extends { name: string }>(key: string, type: string, before: T | undefined, after: T | undefined): Command {
  return {
    type,
    execute: (doc) => ({ ...doc, [key]: before ? replaceNamed(namedList<T>(doc, key), before.name, after) : [...namedList<T>(doc, key), after as T] }),
    revert: (doc) => ({ ...doc, [key]: after ? replaceNamed(namedList<T>(doc, key), after.name, before) : [...namedList<T>(doc, key), before as T] }),
  };
}

/** A change with its inverse; the designer only changes the document through commands (undo/redo for free). */
export interface Command {
  type: string;
  execute(doc: DesignDoc): DesignDoc;
  revert(doc: DesignDoc): DesignDoc;
}

const mapObject = (doc: DesignDoc, name: string, fn: (o: ObjectInput) => ObjectInput): DesignDoc => ({
  ...doc,
  objects: doc.objects.map((o) => (o.name === name ? fn(o) : o)),
});

function insertAt<T>(list: T[], index: number, item: T): T[] {
  const i = Math.max(0, Math.min(index, list.length));
  return [...list.slice(0, i), item, ...list.slice(i)];
}

/** Commands by name (`noun.verb`). Each is plain data in, a reversible change out. */
export const commands = {
  'object.add': (object: ObjectInput): Command => ({
    type: 'object.add',
    execute: (doc) => ({ ...doc, objects: [...doc.objects, object] }),
    revert: (doc) => ({ ...doc, objects: doc.objects.filter((o) => o.name !== object.name) }),
  }),
  'object.update': (name: string, before: Partial<ObjectInput>, after: Partial<ObjectInput>): Command => ({
    type: 'object.update',
    execute: (doc) => mapObject(doc, name, (o) => ({ ...o, ...after })),
    revert: (doc) => mapObject(doc, (after.name as string | undefined) ?? name, (o) => ({ ...o, ...before })),
  }),
  'field.add': (object: string, field: FieldInput, index: number): Command => ({
    type: 'field.add',
    execute: (doc) => mapObject(doc, object, (o) => ({ ...o, fields: insertAt(o.fields, index, field) })),
    revert: (doc) => mapObject(doc, object, (o) => ({ ...o, fields: o.fields.filter((f) => f.name !== field.name) })),
  }),
  'field.update': (object: string, before: FieldInput, after: FieldInput): Command => ({
    type: 'field.update',
    execute: (doc) => mapObject(doc, object, (o) => ({ ...o, fields: o.fields.map((f) => (f.name === before.name ? after : f)) })),
    revert: (doc) => mapObject(doc, object, (o) => ({ ...o, fields: o.fields.map((f) => (f.name === after.name ? before : f)) })),
  }),
  'field.remove': (object: string, field: FieldInput, index: number): Command => ({
    type: 'field.remove',
    execute: (doc) => mapObject(doc, object, (o) => ({ ...o, fields: o.fields.filter((f) => f.name !== field.name) })),
    revert: (doc) => mapObject(doc, object, (o) => ({ ...o, fields: insertAt(o.fields, index, field) })),
  }),
  'field.move': (object: string, from: number, to: number): Command => {
    const move = (a: number, b: number) => (doc: DesignDoc) =>
      mapObject(doc, object, (o) => {
        const fields = [...o.fields];
        const [f] = fields.splice(a, 1);
        return f ? { ...o, fields: insertAt(fields, b, f) } : o;
      });
    return { type: 'field.move', execute: move(from, to), revert: move(to, from) };
  },
  /** Replaces a whole document part computed elsewhere (a form layout written into the draft). */
  'doc.replace': (before: DesignDoc, after: DesignDoc): Command => ({ type: 'doc.replace', execute: () => after, revert: () => before }),
} satisfies Record<string, (...args: never[]) => Command>;

/** The command stack: execute, undo, redo over an immutable document. */
export class DesignHistory {
  private done: Command[] = [];
  private undone: Command[] = [];
  constructor(public doc: DesignDoc) {}

  execute(cmd: Command): DesignDoc {
    this.doc = cmd.execute(this.doc);
    this.done.push(cmd);
    this.undone = [];
    return this.doc;
  }
  undo(): DesignDoc {
    const cmd = this.done.pop();
    if (cmd) {
      this.doc = cmd.revert(this.doc);
      this.undone.push(cmd);
    }
    return this.doc;
  }
  redo(): DesignDoc {
    const cmd = this.undone.pop();
    if (cmd) {
      this.doc = cmd.execute(this.doc);
      this.done.push(cmd);
    }
    return this.doc;
  }
  get canUndo(): boolean {
    return this.done.length > 0;
  }
  get canRedo(): boolean {
    return this.undone.length > 0;
  }
}

/** A free field name for a new field of `type` (`text_1`, `text_2`, …). */
export function freeFieldName(object: ObjectInput, type: string): string {
  const used = new Set(object.fields.map((f) => f.name));
  for (let i = 1; ; i++) if (!used.has(`${type}_${i}`)) return `${type}_${i}`;
}

/** Moves a field within a form layout (or places it from outside), before `beforeField` or at the end of the section. */
export function placeField(layout: FormLayout, field: string, target: { tab: string; section: string; before?: string }): FormLayout {
  const tabs = layout.tabs.map((t) => ({ ...t, sections: t.sections.map((s) => ({ ...s, fields: s.fields.filter((f) => f !== field) })) }));
  for (const t of tabs) {
    if (t.id !== target.tab) continue;
    for (const s of t.sections) {
      if (s.id !== target.section) continue;
      const i = target.before ? s.fields.indexOf(target.before) : -1;
      s.fields = i < 0 ? [...s.fields, field] : insertAt(s.fields, i, field);
    }
  }
  return { ...layout, tabs };
}

/** Where a field sits on the form (undefined: not on it). */
export function fieldPlace(layout: FormLayout, field: string): { tab: string; section: string; index: number; count: number } | undefined {
  for (const t of layout.tabs)
    for (const s of t.sections) {
      const index = s.fields.indexOf(field);
      if (index >= 0) return { tab: t.id, section: s.id, index, count: s.fields.length };
    }
  return undefined;
}

/** Moves a placed field one step up or down within its section (the keyboard's way to reorder). */
export function shiftField(layout: FormLayout, field: string, by: -1 | 1): FormLayout {
  const at = fieldPlace(layout, field);
  if (!at) return layout;
  const to = at.index + by;
  if (to < 0 || to >= at.count) return layout;
  const fields = layout.tabs.find((t) => t.id === at.tab)?.sections.find((s) => s.id === at.section)?.fields ?? [];
  const before = by < 0 ? fields[to] : fields[to + 1];
  return placeField(layout, field, { tab: at.tab, section: at.section, before });
}

/** Takes a field off the form. */
export function unplaceField(layout: FormLayout, field: string): FormLayout {
  return { ...layout, tabs: layout.tabs.map((t) => ({ ...t, sections: t.sections.map((s) => ({ ...s, fields: s.fields.filter((f) => f !== field) })) })) };
}

/** A draft object's active fields in the shape the runtime widgets and the condition builder take. */
export function draftFields(object: ObjectInput): Field[] {
  return object.fields
    .filter((f) => !f.archived)
    .map((f) => ({
      ...f,
      id: f.id ?? f.name,
      label: typeof f.label === 'string' ? { 'zh-CN': f.label } : (f.label ?? {}),
      required: false,
      unique: false,
      indexed: false,
      options: f.options ?? {},
      archived: false,
    })) as Field[];
}

/**
 * The fields of the records a draft object's lookups point at, as an automation's condition reads
 * them through a lookup path (`account.level`, labelled 客户 › 级别): one lookup deep.
 */
export function lookupPathFields(object: ObjectInput, objects: readonly ObjectInput[]): Field[] {
  return draftFields(object).flatMap((via) => {
    const ref = fieldTypes[via.type]?.reference;
    const target = ref?.shape === 'single' && ref.toObject ? objects.find((o) => o.name === via.options.target || o.id === via.options.target) : undefined;
    if (!target) return [];
    return draftFields(target)
      .filter((f) => fieldTypes[f.type]?.storage === 'column')
      .map((f) => {
        const locales = [...new Set([...Object.keys(via.label), ...Object.keys(f.label)])];
        const label = Object.fromEntries(locales.map((l) => [l, `${via.label[l] ?? via.name} › ${f.label[l] ?? f.name}`]));
        return { ...f, id: `${via.name}.${f.name}`, name: `${via.name}.${f.name}`, label: locales.length ? label : { 'zh-CN': `${via.name} › ${f.name}` } };
      });
  });
}

/** Field types a duplicate rule (查重) may compare, and how each may compare by default. */
export const duplicateMatchesFor = (type: FieldInput['type']): readonly DuplicateMatch[] | undefined => fieldTypes[type]?.duplicateMatches;

const refersTo = (rule: DuplicateRuleInput, field: FieldInput) => rule.field === field.name || rule.field === (field.id ?? field.name);

/** The duplicate rule of one field, if any. */
export function duplicateRuleOf(object: ObjectInput, field: FieldInput): DuplicateRuleInput | undefined {
  return object.duplicateRules?.find((r) => refersTo(r, field));
}

/** The object's duplicate rules with the field's rule set to `match`, or removed (undefined). */
export function withDuplicateMatch(object: ObjectInput, field: FieldInput, match: DuplicateMatch | undefined): DuplicateRuleInput[] {
  const rules = object.duplicateRules ?? [];
  const current = rules.find((r) => refersTo(r, field));
  if (!match) return rules.filter((r) => r !== current);
  if (current) return rules.map((r) => (r === current ? { ...r, match } : r));
  const ids = new Set(rules.map((r) => r.id));
  let id = `dup_${field.name}`.slice(0, 63);
  for (let n = 2; ids.has(id); n++) id = `dup_${field.name}_${n}`.slice(0, 63);
  return [...rules, { id, field: field.id ?? field.name, match }];
}
