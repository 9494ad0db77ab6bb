import type { Automation } from '@tangram/metadata';
import type { ObjectModel } from '../model/compile';

// Whether an automation's trigger applies to one record as it is now (the designer's dry run):
// a record trigger applies to any record of its object (the run would follow a write); a
// field.changed trigger with a `to` applies when the record holds that value; a time trigger
// applies once its moment has passed by the clock.

/** Why the trigger applies or not; the designer words each reason. */
export type TriggerReason =
  /** A write (create, update, delete) of the record would fire it. */
  | 'onWrite'
  /** field.changed: the record holds the `to` value (a change to it would fire). */
  | 'valueMatches'
  /** field.changed: the record does not hold the `to` value. */
  | 'valueDiffers'
  /** inactivity: no activity for the days the trigger waits (`at`: when it became due). */
  | 'inactive'
  /** inactivity: active recently (`at`: when it would become due). */
  | 'active'
  /** date.relative: the moment (`at`) has passed / not yet come. */
  | 'due'
  | 'notDue'
  /** date.relative: the date field is empty. */
  | 'noDate'
  /** schedule: runs on its cron for every matching record. */
  | 'onSchedule';

export interface TriggerCheck {
  kind: Automation['trigger']['kind'];
  applies: boolean;
  reason: TriggerReason;
  /** The moment a time trigger is (or was) due, ISO. */
  at?: string;
}

const dayMs = 86_400_000;
const unitMs = { minutes: 60_000, hours: 3_600_000, days: dayMs } as const;
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const nameOf = (om: ObjectModel, id: string | undefined) =>
  id ? ((om.byColumn.get(id) ?? om.fields.find((f) => f.column === id))?.name ?? (id === 'owner_id' ? id : undefined)) : undefined;

function timeOf(v: unknown): number | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  const ms = new Date(v as string).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

const checks: {
  [K in Automation['trigger']['kind']]: (a: Automation, om: ObjectModel, record: Record<string, unknown>, now: Date) => Omit<TriggerCheck, 'kind'>;
} = {
  'record.created': () => ({ applies: true, reason: 'onWrite' }),
  'record.updated': () => ({ applies: true, reason: 'onWrite' }),
  'record.deleted': () => ({ applies: true, reason: 'onWrite' }),
  'field.changed': (a, om, record) => {
    const to = a.trigger.to;
    if (to === undefined) return { applies: true, reason: 'onWrite' };
    const holds = (a.trigger.fields ?? []).some((id) => {
      const name = nameOf(om, id);
      return name !== undefined && same(record[name], to);
    });
    return { applies: holds, reason: holds ? 'valueMatches' : 'valueDiffers' };
  },
  schedule: () => ({ applies: true, reason: 'onSchedule' }),
  'date.relative': (a, om, record, now) => {
    const base = timeOf(record[nameOf(om, a.trigger.field) ?? '']);
    if (base === undefined) return { applies: false, reason: 'noDate' };
    const offset = (a.trigger.offset?.amount ?? 0) * unitMs[a.trigger.offset?.unit ?? 'days'];
    const at = base + (a.trigger.direction === 'before' ? -offset : offset);
    return { applies: now.getTime() >= at, reason: now.getTime() >= at ? 'due' : 'notDue', at: new Date(at).toISOString() };
  },
  inactivity: (a, om, record, now) => {
    const last =
      (a.trigger.fields ?? []).map((id) => timeOf(record[nameOf(om, id) ?? ''])).find((t) => t !== undefined) ?? timeOf(record.created_at) ?? now.getTime();
    const at = last + (a.trigger.days ?? 0) * dayMs;
    return { applies: now.getTime() >= at, reason: now.getTime() >= at ? 'inactive' : 'active', at: new Date(at).toISOString() };
  },
};

/** Whether the trigger applies to `record` at `now`, and why. */
export function checkTrigger(a: Automation, om: ObjectModel, record: Record<string, unknown>, now: Date): TriggerCheck {
  return { kind: a.trigger.kind, ...checks[a.trigger.kind](a, om, record, now) };
}
