import type { Db } from '../db/database';
import type { Model, ObjectModel } from '../model/compile';
import type { Behaviours, WriteContext } from './behaviours';
import type { ActionContext } from './context';

/** Everything one write transaction carries through the pipeline. */
export interface Tx {
  trx: Db;
  schema: string;
  model: Model;
  ctx: ActionContext;
  now: Date;
  timeZone: string;
  /** Parents whose rollups must be recomputed before commit: object id → record ids. */
  touched: Map<string, Set<string>>;
  /**
   * Records created in this transaction and still live, by table: references to them need no
   * existence query (a bulk import or template sample data refers mostly to such records).
   */
  created: Map<string, Set<string>>;
  /** The pipeline's registered behaviours (records/behaviours.ts). */
  behaviours: Behaviours;
  /** Every record write made in this transaction, in order (for `beforeCommit` behaviours). */
  writes: WriteContext[];
  /** `afterCommit` hooks queued by the writes; run once the transaction has committed, never on rollback. */
  afterCommit: (() => Promise<void>)[];
}

export function touchParents(tx: Tx, om: ObjectModel, ...rows: (Record<string, unknown> | undefined)[]): void {
  for (const dep of om.rollupsFed) {
    for (const row of rows) {
      const parentId = row?.[dep.viaColumn];
      if (typeof parentId !== 'string') continue;
      let set = tx.touched.get(dep.parent.id);
      if (!set) tx.touched.set(dep.parent.id, (set = new Set()));
      set.add(parentId);
    }
  }
}
