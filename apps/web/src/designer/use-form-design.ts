import type { ObjectDef, ObjectInput } from '@tangram/metadata';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { layoutObjectName, useMetadata } from '../api/metadata';
import { type FormLayout, fitLayout } from '../layout/form-layout';
import { formKey, layoutObject, pendingLayouts, saveLayout, useStoredLayout } from '../layout/layout-store';
import { formOf, probeFormsSupport, supportsForms, withForm } from '../layout/metadata-forms';
import { commands } from './designer-core';
import { useDesigner } from './use-designer';

const asDef = (o: ObjectInput) => ({ ...o, fields: o.fields.map((f) => ({ ...f, archived: f.archived ?? false })) }) as unknown as ObjectDef;

/**
 * The layout being designed for an object and how to change it. With forms in the metadata, the
 * layout lives in the draft (one undoable command per change, published with everything else);
 * otherwise it is kept as a pending `ui_layout` record written at the next publish.
 */
export function useFormDesign(object: ObjectInput): { layout: FormLayout; setLayout(next: FormLayout): void; inMetadata: boolean; ready: boolean } {
  const designer = useDesigner();
  const md = useMetadata(designer.tenant);
  const probe = useQuery({
    queryKey: ['forms-supported', designer.tenant],
    queryFn: () => probeFormsSupport(designer.tenant),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const inMetadata = supportsForms(md.data?.metadata) || supportsForms(designer.doc) || probe.data === true;
  const published = Boolean(md.data?.metadata.objects.some((o) => o.name === layoutObjectName));
  const stored = useStoredLayout(designer.tenant, formKey(object.name), !inMetadata && published);
  const [local, setLocal] = useState<FormLayout | undefined>(() => pendingLayouts(designer.tenant)[formKey(object.name)]);
  const def = asDef(object);
  const ready = !probe.isLoading;
  if (inMetadata)
    return {
      ready,
      inMetadata,
      layout: fitLayout(formOf(designer.doc, def), def),
      setLayout: (next) => designer.execute(commands['doc.replace'](designer.doc, withForm(designer.doc, object.name, next))),
    };
  return {
    ready,
    inMetadata,
    layout: fitLayout(local ?? stored.data ?? undefined, def),
    setLayout: (next) => {
      setLocal(next);
      void saveLayout(designer.tenant, formKey(object.name), next, false);
      if (!designer.doc.objects.some((o) => o.name === layoutObjectName)) designer.execute(commands['object.add'](layoutObject));
    },
  };
}
