import type { ObjectDef, ObjectInput } from '@tangram/metadata';
import { type FormLayout, fitLayout } from '../layout/form-layout';
import { formOf, withForm } from '../layout/metadata-forms';
import { commands } from './designer-core';
import { useDesigner } from './use-designer';

const asDef = (o: ObjectInput) => ({ ...o, fields: o.fields.map((f) => ({ ...f, archived: f.archived ?? false })) }) as unknown as ObjectDef;

/**
 * The layout being designed for an object and how to change it: the object's form in the draft
 * (or the default layout until it has one), one undoable command per change, published with
 * everything else.
 */
export function useFormDesign(object: ObjectInput): { layout: FormLayout; setLayout(next: FormLayout): void } {
  const designer = useDesigner();
  const def = asDef(object);
  return {
    layout: fitLayout(formOf(designer.doc, def), def),
    setLayout: (next) => designer.execute(commands['doc.replace'](designer.doc, withForm(designer.doc, object.name, next))),
  };
}
