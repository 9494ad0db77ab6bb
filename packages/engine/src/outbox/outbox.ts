import { sql } from 'kysely';
import type { Db } from '../db/database';
import { systemTables } from '../db/tables';

export type EventName = 'record.created' | 'record.updated' | 'record.deleted' | 'record.restored' | 'record.purged' | 'record.transferred';

export interface OutboxEvent {
  id: number;
  event: EventName;
  objectId: string;
  recordId: string;
  payload: Record<string, unknown>;
  actor: string | null;
  requestId: string | null;
  at: string;
}

export interface ClaimOptions {
  limit?: number;
  leaseMs?: number;
}

/**
 * Claims up to `limit` events for one consumer (e.g. 'automations', 'webhooks'). Several workers
 * of the same consumer may claim at once: SKIP LOCKED keeps them off each other's rows, and the
 * lease upsert only takes an event that no other worker holds, so each event goes to one worker
 * at a time. An event whose lease expires unacknowledged is offered again (at-least-once).
 */
export async function claimEvents(db: Db, schema: string, consumer: string, worker: string, opts: ClaimOptions = {}): Promise<OutboxEvent[]> {
  const limit = opts.limit ?? 100;
  const leaseMs = opts.leaseMs ?? 30_000;
  return db.transaction().execute(async (trx) => {
    const candidates = await sql<{ id: number }>`
      select e.id from ${sql.id(schema, '_outbox')} e
      left join ${sql.id(schema, '_outbox_lease')} l on l.consumer = ${consumer} and l.event_id = e.id
      where l.event_id is null or (l.acked_at is null and l.leased_until < now())
      order by e.id limit ${limit}
      for update of e skip locked`.execute(trx);
    if (!candidates.rows.length) return [];
    const leased = await sql<{ event_id: number }>`
      insert into ${sql.id(schema, '_outbox_lease')} as l (consumer, event_id, worker, leased_until)
      select ${consumer}, id, ${worker}, now() + ${`${leaseMs} milliseconds`}::interval from unnest(${candidates.rows.map((r) => r.id)}::bigint[]) as id
      on conflict (consumer, event_id) do update
        set worker = excluded.worker, leased_until = excluded.leased_until, attempts = l.attempts + 1
        where l.acked_at is null and l.leased_until < now()
      returning l.event_id`.execute(trx);
    const ids = leased.rows.map((r) => Number(r.event_id));
    if (!ids.length) return [];
    const rows = await systemTables(trx, schema)
      .selectFrom('_outbox')
      .select(['id', 'event', 'object_id', 'record_id', 'payload', 'actor', 'request_id', 'at'])
      .where('id', 'in', ids)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: Number(r.id),
      event: r.event as EventName,
      objectId: r.object_id,
      recordId: r.record_id,
      payload: r.payload,
      actor: r.actor,
      requestId: r.request_id,
      at: r.at,
    }));
  });
}

/**
 * Claims up to `limit` events pending for a subscribed consumer (Behaviours.subscribe): those
 * not leased, or whose lease expired unacknowledged (at-least-once). Reads the consumer's short
 * queue of pending rows, not every event ever written; SKIP LOCKED keeps workers apart.
 */
export async function claimPending(db: Db, schema: string, consumer: string, worker: string, opts: ClaimOptions = {}): Promise<OutboxEvent[]> {
  const limit = opts.limit ?? 100;
  const leaseMs = opts.leaseMs ?? 30_000;
  const pending = sql.id(schema, '_outbox_pending');
  const rows = await sql<{
    id: string | number;
    event: string;
    object_id: string;
    record_id: string;
    payload: Record<string, unknown>;
    actor: string | null;
    request_id: string | null;
    at: string;
  }>`
    with picked as (
      select consumer, event_id from ${pending}
      where consumer = ${consumer} and (leased_until is null or leased_until < now())
      order by event_id limit ${limit}
      for update skip locked
    ), leased as (
      update ${pending} p set worker = ${worker}, leased_until = now() + ${`${leaseMs} milliseconds`}::interval, attempts = p.attempts + 1
      from picked where p.consumer = picked.consumer and p.event_id = picked.event_id
      returning p.event_id
    )
    select e.id, e.event, e.object_id, e.record_id, e.payload, e.actor, e.request_id, e.at
    from leased join ${sql.id(schema, '_outbox')} e on e.id = leased.event_id
    order by e.id`.execute(db);
  return rows.rows.map((r) => ({
    id: Number(r.id),
    event: r.event as EventName,
    objectId: r.object_id,
    recordId: r.record_id,
    payload: r.payload,
    actor: r.actor,
    requestId: r.request_id,
    at: r.at,
  }));
}

/** Acknowledges pending events this worker handled (claimPending): their rows are deleted, never offered again. */
export async function ackPending(db: Db, schema: string, consumer: string, worker: string, ids: number[]): Promise<number> {
  if (!ids.length) return 0;
  const res = await systemTables(db, schema)
    .deleteFrom('_outbox_pending')
    .where('consumer', '=', consumer)
    .where('worker', '=', worker)
    .where('event_id', 'in', ids)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** Acknowledges events this worker handled; acknowledged events are never offered again. */
export async function ackEvents(db: Db, schema: string, consumer: string, worker: string, ids: number[]): Promise<number> {
  if (!ids.length) return 0;
  const res = await systemTables(db, schema)
    .updateTable('_outbox_lease')
    .set({ acked_at: sql`now()` })
    .where('consumer', '=', consumer)
    .where('worker', '=', worker)
    .where('event_id', 'in', ids)
    .where('acked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}
