import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { backends } from '../testing/databases';
import { type TestTenant, setupTenant } from '../testing/engine';
import type { RecordData } from './row';

// Single-statement writes (service.ts `writeOne`): a create or update that needs nothing but the
// record's read and its change-log write runs without a transaction, the update guarded by the
// version read. What must hold: it is used where it can be (the bench's figures rest on it), it
// is not used where a behaviour, a reference or a rollup needs the transaction, and racing
// writers never produce what a locked write would not (a version twice, a change lost, an audit
// entry computed from a stale read).

const app = {
  objects: [
    {
      name: 'plain',
      fields: [
        { name: 'a', type: 'text' },
        { name: 'b', type: 'text' },
        { name: 'c', type: 'text' },
        { name: 'd', type: 'text' },
        { name: 'n', type: 'integer' },
      ],
    },
    {
      name: 'numbered',
      fields: [
        { name: 'no', type: 'autonumber', options: { format: 'N-{000}' } },
        { name: 'a', type: 'text' },
      ],
    },
    {
      name: 'parent',
      fields: [
        { name: 'name', type: 'text' },
        { name: 'total', type: 'rollup', options: { object: 'child', via: 'parent', aggregate: 'sum', field: 'amount' } },
      ],
    },
    {
      name: 'child',
      fields: [
        { name: 'parent', type: 'lookup', options: { target: 'parent' } },
        { name: 'amount', type: 'decimal' },
      ],
    },
  ],
};

describe.each(await backends())('single-statement writes on %s', (backend) => {
  let t: TestTenant;
  let transactions: ReturnType<typeof vi.spyOn>;
  beforeAll(async () => {
    t = await setupTenant(backend, { poolSize: 12 });
    await t.tenant.schema.publish(app);
    transactions = vi.spyOn(t.engine.db, 'transaction');
  });
  afterAll(() => t.close());

  const opened = async (fn: () => Promise<unknown>) => {
    const before = transactions.mock.calls.length;
    await fn();
    return transactions.mock.calls.length - before;
  };

  it('a plain create and update open no transaction, and write what a transaction would (row, audit entry, event)', async () => {
    let r = {} as RecordData;
    expect(await opened(async () => (r = await t.tenant.records.create('plain', { a: 'x', n: 1 })))).toBe(0);
    expect(await opened(async () => (r = await t.tenant.records.update('plain', r.id, { a: 'y', n: 2 }, { version: 1 })))).toBe(0);
    expect(r).toMatchObject({ a: 'y', n: 2, version: 2 });
    const history = await t.tenant.records.history('plain', r.id);
    expect(history.map((h) => [h.action, h.version])).toEqual([
      ['create', 1],
      ['update', 2],
    ]);
    expect(history[1]?.changes).toEqual({ a: { before: 'x', after: 'y' }, n: { before: 1, after: 2 } });
    const events = await sql<{ event: string; payload: { version: number; previous?: Record<string, unknown> } }>`
      select event, payload from ${sql.id(t.tenant.tenant.schema, '_outbox')} where record_id = ${r.id} order by id`.execute(t.engine.db);
    expect(events.rows.map((e) => [e.event, e.payload.version])).toEqual([
      ['record.created', 1],
      ['record.updated', 2],
    ]);
    expect(events.rows[1]?.payload.previous).toEqual({ a: 'x', n: 1 });
  });

  it('a stale version, a deleted or a missing record answer as the locked path does, writing nothing', async () => {
    const r = await t.tenant.records.create('plain', { a: 'x' });
    await t.tenant.records.update('plain', r.id, { a: 'y' }, { version: 1 });
    await expect(t.tenant.records.update('plain', r.id, { a: 'z' }, { version: 1 })).rejects.toMatchObject({ code: 'RECORD_VERSION_CONFLICT' });
    await t.tenant.records.delete('plain', r.id);
    await expect(t.tenant.records.update('plain', r.id, { a: 'z' })).rejects.toMatchObject({ code: 'RECORD_DELETED' });
    await expect(t.tenant.records.update('plain', '0190a1b2-0000-7000-8000-000000000000', { a: 'z' })).rejects.toMatchObject({ code: 'RECORD_NOT_FOUND' });
    expect((await t.tenant.records.history('plain', r.id)).map((h) => h.action)).toEqual(['create', 'update', 'delete']);
  });

  it('writes that need the transaction get one: an auto-number, a child that feeds a rollup, an updated rollup parent', async () => {
    expect(await opened(() => t.tenant.records.create('numbered', { a: 'x' }))).toBe(1);
    const p = await t.tenant.records.create('parent', { name: 'p' });
    expect(await opened(() => t.tenant.records.create('child', { parent: p.id, amount: 5 }))).toBe(1);
    expect(await opened(() => t.tenant.records.update('parent', p.id, { name: 'q' }))).toBe(1);
    expect(await t.tenant.records.get('parent', p.id)).toMatchObject({ name: 'q', total: 5 });
  });

  it('racing writers of different fields without a version: every change kept, each version once, each audit entry its own change', async () => {
    const r = await t.tenant.records.create('plain', {});
    const fields = ['a', 'b', 'c', 'd'] as const;
    const rounds = 15;
    await Promise.all(
      fields.map(async (f) => {
        for (let i = 1; i <= rounds; i++) await t.tenant.records.update('plain', r.id, { [f]: `${f}${i}` });
      }),
    );
    const final = await t.tenant.records.get('plain', r.id);
    expect(final).toMatchObject({ a: `a${rounds}`, b: `b${rounds}`, c: `c${rounds}`, d: `d${rounds}`, version: 1 + fields.length * rounds });
    const updates = (await t.tenant.records.history('plain', r.id)).filter((h) => h.action === 'update');
    expect(new Set(updates.map((h) => h.version)).size).toBe(fields.length * rounds);
    for (const f of fields) {
      // Each writer's entries, oldest first, go from its previous value to its next: none was computed from a stale read.
      const mine = updates.filter((h) => Object.keys(h.changes).includes(f));
      expect(mine.map((h) => h.changes[f])).toEqual(Array.from({ length: rounds }, (_, i) => ({ before: i ? `${f}${i}` : null, after: `${f}${i + 1}` })));
      expect(mine.every((h) => Object.keys(h.changes).length === 1)).toBe(true);
    }
  });
});
