import type { Model, ObjectModel } from '../model/compile';
import type { AutomationTrace } from './automations';
import type { RecordData } from './row';
import type { Tx } from './tx';

/**
 * The changes a record goes through. Revert, import and bulk writes are made of these (a revert
 * is an update, an import a series of creates).
 */
export type WriteAction = 'create' | 'update' | 'delete' | 'restore' | 'purge' | 'transfer' | 'claim' | 'release' | 'recycle';

export const writeActions: readonly WriteAction[] = ['create', 'update', 'delete', 'restore', 'purge', 'transfer', 'claim', 'release', 'recycle'];

/**
 * When a behaviour runs, in this order for each record written:
 * - `beforeValidate`: the record as it would be written is assembled (input over defaults or the
 *   current record); behaviours may still change values (formulas).
 * - `validate`: checks of the values alone (validation rules). The writer's right to write is
 *   checked after this phase on create (as it always was), before any phase on the other actions.
 * - `beforeWrite`: checks against the database (attachments, duplicates, references, masters,
 *   the pool's claim limit) and the last values (owner, auto-numbers). Throwing aborts the write.
 * - `inTransaction`: the row, its audit entry and event are written; same transaction (rollups).
 * - `beforeCommit`: once per transaction, after every record is written (rollups are recomputed).
 * - `afterCommit`: once the transaction has committed, for each record written; never on rollback.
 *   Its transaction is over by then: `ctx.tx.trx` must not be used (read through the engine).
 */
export type Phase = 'beforeValidate' | 'validate' | 'beforeWrite' | 'inTransaction' | 'beforeCommit' | 'afterCommit';

export const phases: readonly Phase[] = ['beforeValidate', 'validate', 'beforeWrite', 'inTransaction', 'beforeCommit', 'afterCommit'];

export type RecordPhase = Exclude<Phase, 'beforeCommit'>;

/** What a behaviour sees of one write. Behaviours may change `record` before the write. */
export interface WriteContext {
  tx: Tx;
  om: ObjectModel;
  action: WriteAction;
  /** The record's id (known from `beforeWrite` on create); absent for a set change. */
  id?: string;
  /** The values given (create, update), by field name. */
  values: Record<string, unknown>;
  /** The record as it will be written, by field name (create, update). */
  record: Record<string, unknown>;
  /** The record before the change (all actions but create and set changes). */
  current?: RecordData;
  /** The stored row before the change (by column). */
  before?: Record<string, unknown>;
  /** The stored row after the change (from `inTransaction`; absent after a purge). */
  row?: Record<string, unknown>;
  /** Written through its master, whose access was checked already. */
  viaMaster?: boolean;
  /** Set changes (transfer, recycle): the ids the change is asked for (before) or made to (from `inTransaction`). */
  ids?: string[];
  /** The before-save automations that set values in this write, and what they set (carried in the event's payload). */
  automations?: AutomationTrace[];
}

/** What a `beforeCommit` behaviour sees: the transaction and every write made in it. */
export interface CommitContext {
  tx: Tx;
  writes: readonly WriteContext[];
}

interface Common {
  /** Unique, dotted (`duplicates.check`); the docs list behaviours by it. */
  name: string;
  /** Lower runs first (default 100); the same priority runs in the order registered. */
  priority?: number;
  /**
   * For `inTransaction` and `beforeCommit` behaviours: true when, for records of `om` under
   * `model`, this behaviour runs no statement. Only then may a create or update of such a record
   * be one statement without a transaction (service.ts `writeOne`); a behaviour that does not say
   * keeps every write in a transaction. Behaviours of the earlier phases need not say: a query
   * they make sends the write back to a transaction before anything is written.
   */
  idleFor?(model: Model, om: ObjectModel): boolean;
}

export interface RecordBehaviour extends Common {
  phase: RecordPhase;
  actions: readonly WriteAction[];
  run(ctx: WriteContext): void | Promise<void>;
}

export interface CommitBehaviour extends Common {
  phase: 'beforeCommit';
  run(ctx: CommitContext): void | Promise<void>;
}

export type Behaviour = RecordBehaviour | CommitBehaviour;

export interface BehavioursOptions {
  /**
   * Called with an error an `afterCommit` behaviour threw (the change is committed: it is not
   * undone). Without it the first such error is thrown to the caller once every hook has run.
   */
  onAfterCommitError?(e: unknown, behaviour: string, ctx: WriteContext): void;
}

/**
 * The record pipeline's registered behaviours, in the manner of diagram-js command interceptors
 * and Directus filter/action hooks: each names a phase and the actions it applies to, and runs
 * with a context object. The core's own (duplicates, formulas, rollups…) are registered like any
 * other, so an engine built on top (automations, approvals) plugs in the same way.
 * @example
 * engine.behaviours.register({ name: 'approvals.lock', phase: 'beforeWrite', actions: ['update', 'delete'], run: (ctx) => assertUnlocked(ctx) })
 */
export class Behaviours {
  private readonly list: { b: Behaviour; seq: number }[] = [];
  private readonly cache = new Map<string, readonly Behaviour[]>();
  private seq = 0;

  constructor(
    initial: readonly Behaviour[] = [],
    private readonly opts: BehavioursOptions = {},
  ) {
    for (const b of initial) this.register(b);
  }

  private readonly subscriptions = new Map<string, (model: Model, objectId: string) => boolean>();
  private subscribersCache = new WeakMap<Model, Map<string, readonly string[]>>();

  /**
   * Subscribes an outbox consumer to the events of the objects `wants` picks (per model): the
   * change log writes each such event with a pending row for the consumer, in the same statement
   * (outbox.ts `claimPending`). Returns a function that unsubscribes.
   */
  subscribe(consumer: string, wants: (model: Model, objectId: string) => boolean): () => void {
    if (this.subscriptions.has(consumer)) throw new Error(`the outbox consumer '${consumer}' is subscribed already`);
    this.subscriptions.set(consumer, wants);
    this.subscribersCache = new WeakMap();
    return () => {
      this.subscriptions.delete(consumer);
      this.subscribersCache = new WeakMap();
    };
  }

  /** The consumers subscribed to an object's events under a model (memoised per model). */
  subscribers(model: Model, objectId: string): readonly string[] {
    let byObject = this.subscribersCache.get(model);
    if (!byObject) this.subscribersCache.set(model, (byObject = new Map()));
    let found = byObject.get(objectId);
    if (!found) {
      found = [...this.subscriptions].filter(([, wants]) => wants(model, objectId)).map(([c]) => c);
      byObject.set(objectId, found);
    }
    return found;
  }

  /** Adds a behaviour; returns a function that removes it again. A name is registered once. */
  register(b: Behaviour): () => void {
    if (!b.name || this.list.some((e) => e.b.name === b.name)) throw new Error(`a behaviour named '${b.name}' is registered already`);
    if (!phases.includes(b.phase)) throw new Error(`unknown phase '${String(b.phase)}' of behaviour '${b.name}'`);
    const entry = { b, seq: this.seq++ };
    this.list.push(entry);
    this.list.sort((x, y) => (x.b.priority ?? 100) - (y.b.priority ?? 100) || x.seq - y.seq);
    this.cache.clear();
    return () => {
      const i = this.list.indexOf(entry);
      if (i >= 0) this.list.splice(i, 1);
      this.cache.clear();
    };
  }

  /** The behaviours that run, in order: of one phase (and action), or all. */
  registered(phase?: Phase, action?: WriteAction): readonly Behaviour[] {
    const key = `${phase ?? ''}:${action ?? ''}`;
    let found = this.cache.get(key);
    if (!found) {
      found = this.list.map((e) => e.b).filter((b) => (!phase || b.phase === phase) && (!action || b.phase === 'beforeCommit' || b.actions.includes(action)));
      this.cache.set(key, found);
    }
    return found;
  }

  /** Whether every behaviour that runs after the row is written says it is idle for `om` (see `idleFor`). */
  idleAfterWrite(model: Model, om: ObjectModel, action: WriteAction): boolean {
    return [...this.registered('inTransaction', action), ...this.registered('beforeCommit')].every((b) => b.idleFor?.(model, om) === true);
  }

  /** Runs a phase for one write, in order; `afterCommit` hooks are queued on the transaction instead. */
  async run(phase: RecordPhase, ctx: WriteContext): Promise<void> {
    const list = this.registered(phase, ctx.action) as RecordBehaviour[];
    if (!list.length) return;
    if (phase === 'afterCommit') {
      for (const b of list) ctx.tx.afterCommit.push(() => this.after(b, ctx));
      return;
    }
    for (const b of list) await b.run(ctx);
  }

  /** Runs the `beforeCommit` behaviours once for the transaction. */
  async commit(ctx: CommitContext): Promise<void> {
    for (const b of this.registered('beforeCommit') as CommitBehaviour[]) await b.run(ctx);
  }

  private async after(b: RecordBehaviour, ctx: WriteContext): Promise<void> {
    try {
      await b.run(ctx);
    } catch (e) {
      if (!this.opts.onAfterCommitError) throw e;
      this.opts.onAfterCommitError(e, b.name, ctx);
    }
  }
}

/** Runs the hooks a committed transaction queued, in order; the first error (if any) after all ran. */
export async function runAfterCommit(hooks: readonly (() => Promise<void>)[]): Promise<void> {
  let first: { e: unknown } | undefined;
  for (const h of hooks) {
    try {
      await h();
    } catch (e) {
      first ??= { e };
    }
  }
  if (first) throw first.e;
}
