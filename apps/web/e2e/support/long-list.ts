import { sql } from 'kysely';
import type { Session, TestServer } from '@tangram/server/testing';

/** The object of the long-list test and bench: 日志 with a title, a sequence number, a level and a date. */
export const logEntryObject = {
  name: 'log_entry',
  label: { 'zh-CN': '日志', en: 'Log entry' },
  fields: [
    { name: 'title', type: 'text', required: true, label: { 'zh-CN': '标题' } },
    { name: 'seq', type: 'integer', indexed: true, label: { 'zh-CN': '序号' } },
    {
      name: 'level',
      type: 'select',
      label: { 'zh-CN': '级别' },
      options: {
        options: [
          { key: 'info', label: { 'zh-CN': '信息' } },
          { key: 'warn', label: { 'zh-CN': '警告' } },
          { key: 'error', label: { 'zh-CN': '错误' } },
        ],
      },
    },
    { name: 'logged_on', type: 'date', label: { 'zh-CN': '日期' } },
  ],
};

const levels = ['info', 'warn', 'error'];

/** Record `seq` (1-based) as both seeding paths write it. */
export function logEntry(seq: number) {
  const day = new Date(Date.UTC(2026, 0, 1 + (seq % 300)));
  return { title: `日志 ${seq}`, seq, level: levels[seq % 3] as string, logged_on: day.toISOString().slice(0, 10) };
}

export interface Seeded {
  /** How long the first `viaApi` records took through POST …/records/bulk (1,000 a request). */
  apiMs: number;
  /** How long the rest took in one SQL statement. */
  sqlMs: number;
}

/**
 * Publishes 日志 (`log_entry`) and creates `total` records: the first `viaApi` through the bulk
 * API (each one through the whole record pipeline: validation, audit entry, event), the rest in
 * one SQL statement that writes what that pipeline writes — the row with its system columns
 * (a UUIDv7 id in `seq` order, created/updated by and owned by the admin, version 1) and its
 * `create` audit entry (actor, changed fields) — so they read back exactly like the others.
 * No `record.created` events are queued for them (nothing listens in a test or bench).
 */
export async function seedLogEntries(server: TestServer, admin: Session, total: number, viaApi = 1000): Promise<Seeded> {
  const url = `/api/v1/t/${server.tenant}`;
  const published = await server.as(admin, { method: 'POST', url: `${url}/metadata/publish`, payload: { metadata: { objects: [logEntryObject] } } });
  if (published.statusCode !== 201) throw new Error(`publish: ${published.statusCode} ${published.body}`);

  const apiStarted = Date.now();
  let ownerId = '';
  let firstId = '';
  for (let from = 1; from <= viaApi; from += 1000) {
    const create = Array.from({ length: Math.min(1000, viaApi - from + 1) }, (_, i) => logEntry(from + i));
    const res = await server.as(admin, { method: 'POST', url: `${url}/objects/log_entry/records/bulk`, payload: { create } });
    if (res.statusCode !== 200) throw new Error(`bulk create: ${res.statusCode} ${res.body}`);
    const first = res.json().created[0];
    ownerId ||= first?.owner_id;
    firstId ||= first?.id;
  }
  const apiMs = Date.now() - apiStarted;
  if (!ownerId || !firstId) throw new Error('bulk create: no owner_id/id in the answer');

  const schema = `tenant_${server.tenant}`;
  const sqlStarted = Date.now();
  // A UUIDv7 (RFC 9562): 48-bit milliseconds (now + seq, so ids sort like seq), version 7, random rest.
  await sql`
    with r as (
      insert into ${sql.id(schema, 'log_entry')} (id, created_by, updated_by, owner_id, title, seq, level, logged_on)
      select encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
               placing substring(int8send(${Date.now()}::bigint + g) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid,
             ${ownerId}::uuid, ${ownerId}::uuid, ${ownerId}::uuid,
             '日志 ' || g, g, (array['info', 'warn', 'error'])[1 + g % 3], date '2026-01-01' + (g % 300)
      from generate_series(${viaApi + 1}::int, ${total}::int) g
      returning id, owner_id, title, seq, level, logged_on, created_at
    )
    insert into ${sql.id(schema, '_audit')} (object_id, record_id, version, action, changes, actor, at)
    select (select object_id from ${sql.id(schema, '_audit')} where record_id = ${firstId}::uuid and version = 1),
           r.id, 1, 'create',
           jsonb_build_object('owner_id', jsonb_build_array(null, r.owner_id), 'title', jsonb_build_array(null, r.title),
             'seq', jsonb_build_array(null, r.seq), 'level', jsonb_build_array(null, r.level),
             'logged_on', jsonb_build_array(null, to_char(r.logged_on, 'YYYY-MM-DD'))),
           r.owner_id, r.created_at
    from r`.execute(server.engine.db);
  await sql`analyze ${sql.id(schema, 'log_entry')}`.execute(server.engine.db);
  return { apiMs, sqlMs: Date.now() - sqlStarted };
}
