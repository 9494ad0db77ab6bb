import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../testing/databases';
import { type TestTenant, setupTenant } from '../testing/engine';
import type { RecordData } from './row';

const app = {
  objects: [
    {
      name: 'counter',
      fields: [
        { name: 'label', type: 'text' },
        { name: 'n', type: 'integer' },
      ],
    },
    {
      name: 'ticket',
      fields: [
        { name: 'number', type: 'autonumber', options: { format: 'T-{0000}' } },
        { name: 'task', type: 'integer' },
      ],
    },
  ],
};

/**
 * Full size on both backends: PGlite serialises every transaction, so it takes longer (about 35 s
 * on an idle machine). Nothing here is timed: the suite's timeout (vitest.config.ts) only stops a
 * hang, and a loaded CI machine may take many times as long without failing.
 */
const writers = 32;
const updates = 100;
const tasks = 64;
const creates = 25;

interface VersionConflict {
  code: string;
  details: { current: RecordData };
}

/** One optimistic increment: update with the version read; on a conflict, retry from the current record the error carries. */
async function increment(t: TestTenant, read: RecordData, stats: { conflicts: number }): Promise<RecordData> {
  let current = read;
  for (;;) {
    try {
      return await t.tenant.records.update('counter', current.id, { n: (current.n as number) + 1 }, { version: current.version });
    } catch (e) {
      if ((e as VersionConflict).code !== 'RECORD_VERSION_CONFLICT') throw e;
      stats.conflicts++;
      current = (e as VersionConflict).details.current;
    }
  }
}

describe.each(await backends())('concurrent writers on %s', (backend) => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await setupTenant(backend, { poolSize: writers + 1 });
    await t.tenant.schema.publish(app);
  });
  afterAll(() => t.close());

  it(`${writers} writers × ${updates} version-checked updates of one counter lose no update`, async () => {
    const counter = await t.tenant.records.create('counter', { label: 'hits', n: 0 });
    const stats = { conflicts: 0 };
    await Promise.all(
      Array.from({ length: writers }, async () => {
        let current = await t.tenant.records.get('counter', counter.id);
        for (let i = 0; i < updates; i++) current = await increment(t, current, stats);
      }),
    );
    const total = writers * updates;
    expect(stats.conflicts).toBeGreaterThan(0);
    const final = await t.tenant.records.get('counter', counter.id);
    expect(final).toMatchObject({ n: total, version: total + 1 });
    const history = await t.tenant.records.history('counter', counter.id);
    expect(history.filter((h) => h.action === 'update')).toHaveLength(total);
    expect(new Set(history.map((h) => h.version)).size).toBe(total + 1);
    expect(history.filter((h) => h.action === 'update').map((h) => h.changes.n?.after)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const events = await sql<{
      n: number;
    }>`select count(*)::int as n from ${sql.id(t.tenant.tenant.schema, '_outbox')} where record_id = ${counter.id} and event = 'record.updated'`.execute(
      t.engine.db,
    );
    expect(events.rows[0]?.n).toBe(total);
  });

  it(`${tasks} tasks × ${creates} concurrent creates get distinct auto-numbers without gaps`, async () => {
    const created: RecordData[] = [];
    await Promise.all(
      Array.from({ length: tasks }, async (_, task) => {
        for (let i = 0; i < creates; i++) created.push(await t.tenant.records.create('ticket', { task }));
      }),
    );
    const total = tasks * creates;
    const numbers = created.map((r) => Number((r.number as string).slice(2))).sort((a, b) => a - b);
    expect(created).toHaveLength(total);
    expect(new Set(created.map((r) => r.number)).size).toBe(total);
    expect(numbers).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const stored = await t.tenant.records.query('ticket', { count: true, limit: 1 });
    expect(stored.total).toBe(total);
  });
});
