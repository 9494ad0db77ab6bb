import { type RuleVariables, evaluate, truthy } from '@tangram/logic';
import type { Automation } from '@tangram/metadata';
import type { Model, ObjectModel } from '../model/compile';
import type { OutboxEvent } from '../outbox/outbox';

// Which after-commit automations an outbox event triggers. The rules of a tenant are picked
// from its model once per metadata revision (the compiled model is the cache key).

/** The deepest chain of automations that still runs: a run at a greater depth is skipped (logged). */
export const maxDepth = 5;

/** The automations with a record trigger and the afterCommit timing, by object id. */
const cache = new WeakMap<Model, Map<string, Automation[]>>();

export function afterCommitAutomations(model: Model): Map<string, Automation[]> {
  let found = cache.get(model);
  if (!found) {
    found = new Map();
    for (const a of model.app.automations) {
      if (!a.enabled || a.trigger.timing !== 'afterCommit') continue;
      const list = found.get(a.object) ?? [];
      list.push(a);
      found.set(a.object, list);
    }
    cache.set(model, found);
  }
  return found;
}

/** What started a run: a record event, or (time-triggered runs) the trigger kind whose moment came. */
export type RunEvent = OutboxEvent['event'] | 'schedule' | 'date.relative' | 'inactivity';

/** What an event says about the record, as the runner and conditions read it. */
export interface EventFacts {
  event: RunEvent;
  /** The record after the change (for a deletion: as it was). */
  record: Record<string, unknown>;
  /** The values before the change of the fields it changed (empty on create). */
  previous: Record<string, unknown>;
  /** Field names changed (every field given on create). */
  changed: string[];
  /** The automation whose write caused the event, and its depth; absent for a person's change. */
  /** A write by a record action has `action` instead of `automation` (depth 0). */
  via?: { automation?: string; action?: string; depth: number };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function factsOf(e: OutboxEvent): EventFacts {
  const p = e.payload as { record?: Record<string, unknown>; previous?: Record<string, unknown>; changed?: string[]; via?: EventFacts['via'] };
  const record = p.record ?? {};
  const changed = e.event === 'record.created' ? Object.keys(record).filter((k) => record[k] !== null && record[k] !== undefined) : (p.changed ?? []);
  return { event: e.event, record, previous: p.previous ?? {}, changed, ...(p.via ? { via: p.via } : {}) };
}

/** The record before the change: the record with the changed fields' previous values (empty on create). */
export function previousRecord(f: EventFacts): Record<string, unknown> {
  return f.event === 'record.created' ? {} : { ...f.record, ...f.previous };
}

/** Whether the automation's trigger fires for the event (kind, and for field.changed a watched field going from → to). */
export function fires(a: Automation, om: ObjectModel, f: EventFacts): boolean {
  const t = a.trigger;
  if (t.kind === 'record.created') return f.event === 'record.created';
  if (t.kind === 'record.updated') return f.event === 'record.updated';
  if (t.kind === 'record.deleted') return f.event === 'record.deleted';
  if (t.kind !== 'field.changed' || (f.event !== 'record.created' && f.event !== 'record.updated')) return false;
  const before = previousRecord(f);
  return (t.fields ?? []).some((id) => {
    const name = (om.byColumn.get(id) ?? om.fields.find((x) => x.column === id))?.name ?? (id === 'owner_id' ? id : undefined);
    if (!name || !f.changed.includes(name)) return false;
    const [from, to] = [before[name] ?? null, f.record[name] ?? null];
    if (same(from, to)) return false;
    return (t.from === undefined || same(t.from, from)) && (t.to === undefined || same(t.to, to));
  });
}

export function variables(f: EventFacts, now: Date, actor: string | null): RuleVariables {
  return { $now: now.toISOString(), $user: { id: actor }, $previous: previousRecord(f) };
}

/** Whether the condition holds (no condition: always); `scope`: the record with its lookup paths' values (lookups.ts), when it reads any. */
export function conditionHolds(a: Automation, f: EventFacts, vars: RuleVariables, scope?: Record<string, unknown>): boolean {
  return a.condition === undefined || truthy(evaluate(a.condition, scope ?? f.record, vars));
}

/** Whether an event caused by an automation's own write may trigger it: only if it opted in. */
export function selfCaused(a: Automation, f: EventFacts): boolean {
  return f.via?.automation === a.id && a.retrigger !== true;
}
