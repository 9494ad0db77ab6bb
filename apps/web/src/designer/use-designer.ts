import { useQuery } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { describeError } from '../api/http';
import { type Draft as SavedDraft, metadataQueries, useSaveDraft } from '../api/metadata';
import { type Command, type DesignDoc, DesignHistory } from './designer-core';

export interface Draft {
  metadata: DesignDoc;
  baseRevision: number;
  updatedAt: string | null;
}

/** The server's draft as a design document (whatever was saved, it has a list of objects). */
function asDesign(d: SavedDraft): Draft {
  const metadata = (d.metadata && typeof d.metadata === 'object' ? d.metadata : {}) as DesignDoc;
  return { ...d, metadata: { ...metadata, objects: Array.isArray(metadata.objects) ? metadata.objects : [] } };
}

export function useDraftQuery(tenant: string) {
  return useQuery({ ...metadataQueries.draft(tenant), select: asDesign, staleTime: Number.POSITIVE_INFINITY });
}

export type SaveState = 'saved' | 'saving' | { error: string };

export interface Designer {
  tenant: string;
  doc: DesignDoc;
  baseRevision: number;
  execute(cmd: Command): void;
  undo(): void;
  redo(): void;
  canUndo: boolean;
  canRedo: boolean;
  save: SaveState;
  /** Resolves once every change is saved to the server draft. */
  flush(): Promise<void>;
}

/**
 * The designer session: the draft as a document, changed only through commands, saved to the
 * server draft shortly after each change (the server keeps it as typed, valid or not).
 */
export function useDesignerSession(tenant: string, draft: Draft): Designer {
  const saveDraft = useSaveDraft(tenant).mutateAsync;
  const history = useRef(new DesignHistory(draft.metadata));
  const [doc, setDoc] = useState(draft.metadata);
  const [save, setSave] = useState<SaveState>('saved');
  const pending = useRef<Promise<void>>(Promise.resolve());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const persist = useCallback(
    (next: DesignDoc) => {
      pending.current = pending.current.then(async () => {
        try {
          await saveDraft({ metadata: next, baseRevision: draft.baseRevision });
          setSave('saved');
        } catch (e) {
          setSave({ error: describeError(e) });
        }
      });
    },
    [draft, saveDraft],
  );

  const changed = useCallback(
    (next: DesignDoc) => {
      setDoc(next);
      setSave('saving');
      clearTimeout(timer.current);
      timer.current = setTimeout(() => persist(next), 300);
    },
    [persist],
  );

  const flush = useCallback(async () => {
    if (timer.current) {
      clearTimeout(timer.current);
      timer.current = undefined;
      persist(history.current.doc);
    }
    await pending.current;
  }, [persist]);

  // Leaving the designer saves what is still waiting for its timer.
  useEffect(
    () => () => {
      if (!timer.current) return;
      clearTimeout(timer.current);
      persist(history.current.doc);
    },
    [persist],
  );

  return {
    tenant,
    doc,
    baseRevision: draft.baseRevision,
    execute: (cmd) => changed(history.current.execute(cmd)),
    undo: () => changed(history.current.undo()),
    redo: () => changed(history.current.redo()),
    canUndo: history.current.canUndo,
    canRedo: history.current.canRedo,
    save,
    flush,
  };
}

export const DesignerContext = createContext<Designer | null>(null);

export function useDesigner(): Designer {
  const d = useContext(DesignerContext);
  if (!d) throw new Error('useDesigner outside the designer');
  return d;
}
