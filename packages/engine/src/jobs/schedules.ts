import { sql } from 'kysely';
import type { Db } from '../db/database';
import { platformTables } from '../db/tables';
import { checkSchedule, dueSlots, nextSlot } from './cron';
import { insertJobs } from './store';
import type { Schedule, ScheduleInput } from './types';

interface ScheduleRow {
  name: string;
  queue: string;
  tenant_id: string | null;
  cron: string;
  time_zone: string;
  payload: Record<string, unknown>;
  enabled: boolean;
  next_run_at: string;
  last_run_at: string | null;
}

const toSchedule = (r: ScheduleRow): Schedule => ({
  name: r.name,
  queue: r.queue,
  tenantId: r.tenant_id,
  cron: r.cron,
  timeZone: r.time_zone,
  payload: r.payload,
  enabled: r.enabled,
  nextRunAt: r.next_run_at,
  lastRunAt: r.last_run_at,
});

/**
 * Creates or updates a schedule. Its next slot is the first after `now`, except that an update
 * keeping the same cron and time zone keeps the pending slot — a process that re-declares its
 * schedules at start must not skip the slots missed while it was down.
 */
export async function upsertSchedule(db: Db, input: ScheduleInput & { timeZone: string }, now: Date): Promise<Schedule> {
  checkSchedule(input.cron, input.timeZone);
  const next = nextSlot(input.cron, input.timeZone, now).toISOString();
  const payload = JSON.stringify(input.payload ?? {});
  const res = await sql<ScheduleRow>`
    insert into platform.job_schedule as s (name, queue, tenant_id, cron, time_zone, payload, enabled, next_run_at)
    values (${input.name}, ${input.queue}, ${input.tenantId ?? null}, ${input.cron}, ${input.timeZone}, ${payload}::jsonb, ${input.enabled ?? true}, ${next}::timestamptz)
    on conflict (name) do update set
      queue = excluded.queue, tenant_id = excluded.tenant_id, payload = excluded.payload, enabled = excluded.enabled,
      cron = excluded.cron, time_zone = excluded.time_zone,
      next_run_at = case when s.cron = excluded.cron and s.time_zone = excluded.time_zone then s.next_run_at else excluded.next_run_at end
    returning *`.execute(db);
  return toSchedule(res.rows[0] as ScheduleRow);
}

export async function removeSchedule(db: Db, name: string): Promise<boolean> {
  const res = await platformTables(db).deleteFrom('job_schedule').where('name', '=', name).returning('name').execute();
  return res.length > 0;
}

export async function listSchedules(db: Db): Promise<Schedule[]> {
  const rows = await platformTables(db).selectFrom('job_schedule').selectAll().orderBy('name').execute();
  return rows.map((r) => toSchedule(r as unknown as ScheduleRow));
}

/**
 * The scheduler step: for each enabled schedule of `queues` due at `now` (rows other workers are handling are
 * skipped), enqueues ONE job for its latest due slot — keyed `<name>@<slot>`, so a peer that
 * races past the row lock adds nothing — with the slot and the number of earlier slots missed in
 * its payload, and moves the schedule to its first slot after now. Returns the jobs enqueued.
 */
export async function enqueueDueSchedules(db: Db, queues: string[], now: Date, limit = 100): Promise<number> {
  if (!queues.length) return 0;
  return db.transaction().execute(async (trx) => {
    const due = await sql<ScheduleRow>`
      select * from platform.job_schedule
      where enabled and next_run_at <= ${now.toISOString()}::timestamptz and queue = any(${queues}::text[])
      order by next_run_at
      limit ${limit}
      for update skip locked`.execute(trx);
    let enqueued = 0;
    for (const s of due.rows) {
      const { slot, missed, next } = dueSlots(s.cron, s.time_zone, new Date(s.next_run_at), now);
      const inserted = await insertJobs(
        trx,
        [
          {
            queue: s.queue,
            tenantId: s.tenant_id,
            key: `${s.name}@${slot.toISOString()}`,
            payload: { ...s.payload, schedule: s.name, slot: slot.toISOString(), missed },
          },
        ],
        now,
      );
      enqueued += inserted.length;
      await platformTables(trx)
        .updateTable('job_schedule')
        .set({ next_run_at: next.toISOString(), last_run_at: now.toISOString() })
        .where('name', '=', s.name)
        .execute();
    }
    return enqueued;
  });
}
