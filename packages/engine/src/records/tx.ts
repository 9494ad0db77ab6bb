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
  /**
   * Set on a single-statement write (service.ts `writeOne`): no transaction is open, `trx` throws
   * `NeedsTransaction` on any use, and only the record's read and its change-log write run, on
   * `db`. The write is guarded by the version read, so it is what the locked path would have done.
   */
  single?: SingleStatement;
}

export interface SingleStatement {
  db: Db;
  /** Something asked for `trx`: the write must not happen here (it is redone in a transaction). */
  tripped: boolean;
  /** The change-log statement ran (and committed). */
  written: boolean;
}

/**
 * A write tried as a single statement needed more than its read and its write (a behaviour's
 * query, a reference check, an auto-number…): it is redone in a transaction, nothing written.
 */
export class NeedsTransaction extends Error {
  constructor() {
    super('this write needs a transaction');
  }
}

/** The record changed between the unlocked read and the guarded write: redo it in a transaction. */
export class SingleStatementMissed extends Error {
  constructor() {
    super('the record changed since it was read');
  }
}

/** The `trx` of a single-statement write: any use trips it (before the write) or is a bug (after). */
export function tripwire(single: SingleStatement): Db {
  return new Proxy({} as Db, {
    get() {
      if (single.written) throw new Error('a single-statement write used its transaction after the write: a behaviour lacks a correct idleFor');
      single.tripped = true;
      throw new NeedsTransaction();
    },
  });
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
