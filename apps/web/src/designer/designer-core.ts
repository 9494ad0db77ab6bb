import type { FieldInput, ObjectInput } from '@tangram/metadata';
import type { FormLayout } from '../layout/form-layout';

/** The document the designer edits: the tenant's draft metadata, as plain data. */
export interface DesignDoc {
  objects: ObjectInput[];
  forms?: unknown[];
  [key: string]: unknown;
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

/** Takes a field off the form. */
export function unplaceField(layout: FormLayout, field: string): FormLayout {
  return { ...layout, tabs: layout.tabs.map((t) => ({ ...t, sections: t.sections.map((s) => ({ ...s, fields: s.fields.filter((f) => f !== field) })) })) };
}
