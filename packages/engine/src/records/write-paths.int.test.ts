import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AppError } from '@tangram/errors';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type MockInstance, afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { backends } from '../testing/databases';
import { type TestTenant, failure, setupTenant } from '../testing/engine';
import { changeLog } from './change-log';

// Every way a record changes goes through the one change-log writer, and each record changed
// gets exactly one audit entry and exactly one event.

const app = {
  name: 'writepaths',
  objects: [
    {
      name: 'account',
      fields: [{ name: 'name', type: 'text', required: true }],
      publicPool: { recycleAfterDays: 30 },
    },
    { name: 'quote', fields: [{ name: 'title', type: 'text' }] },
    {
      name: 'quote_line',
      fields: [
        { name: 'item', type: 'text' },
        { name: 'quote', type: 'masterdetail', options: { target: 'quote', detailName: 'lines' } },
      ],
    },
  ],
};

interface Logged {
  record_id: string;
  action?: string;
  event?: string;
}

describe.each(await backends())('every write path, through the one writer, on %s', (backend) => {
  let t: TestTenant;
  const [admin, member, successor] = [uuidv7(), uuidv7(), uuidv7()];
  const q = (table: string) => sql.id(t.tenant.tenant.schema, table);
  let write: MockInstance<typeof changeLog.write>;
  let writeSet: MockInstance<typeof changeLog.writeSet>;
  const records = () => t.tenant.records;

  beforeAll(async () => {
    write = vi.spyOn(changeLog, 'write');
    writeSet = vi.spyOn(changeLog, 'writeSet');
    t = await setupTenant(backend);
    await t.engine.db
      .withSchema(t.tenant.tenant.schema)
      .insertInto('_user')
      .values([admin, member, successor].map((id, i) => ({ id, name: `writer ${i}` })))
      .execute();
    await t.tenant.schema.publish(app);
  });
  afterAll(async () => {
    write.mockRestore();
    writeSet.mockRestore();
    await t.close();
  });

  const lastId = async (table: string) => Number((await sql<{ n: string | null }>`select max(id) as n from ${q(table)}`.execute(t.engine.db)).rows[0]?.n ?? 0);

  /**
   * Runs one write path and checks what it logged: one audit entry and one event per record
   * changed (the `expected` ids, or that many), all of them counted through the writer.
   */
  async function logged<T>(action: string | string[], event: string | string[], fn: () => Promise<T>, expected: (result: T) => string[] | number): Promise<T> {
    const [audit0, outbox0] = [await lastId('_audit'), await lastId('_outbox')];
    write.mockClear();
    writeSet.mockClear();
    const result = await fn();
    const audit = (await sql<Logged>`select record_id, action from ${q('_audit')} where id > ${audit0} order by id`.execute(t.engine.db)).rows;
    const events = (await sql<Logged>`select record_id, event from ${q('_outbox')} where id > ${outbox0} order by id`.execute(t.engine.db)).rows;
    const want = expected(result);
    const n = typeof want === 'number' ? want : want.length;
    expect(n).toBeGreaterThan(0);
    expect(audit.map((a) => a.action)).toEqual(Array.isArray(action) ? action : Array(n).fill(action));
    expect(events.map((e) => e.event)).toEqual(Array.isArray(event) ? event : Array(n).fill(event));
    // One each per record: as many distinct records as entries, the same records in both.
    expect(new Set(audit.map((a) => a.record_id)).size).toBe(n);
    expect(new Set(events.map((e) => e.record_id))).toEqual(new Set(audit.map((a) => a.record_id)));
    if (typeof want !== 'number') expect(new Set(audit.map((a) => a.record_id))).toEqual(new Set(want));
    // Through the writer: its single calls plus the records of its set calls make up every entry.
    let viaWriter = write.mock.calls.length;
    for (const r of writeSet.mock.results) viaWriter += ((await r.value) as string[]).length;
    expect(viaWriter).toBe(n);
    return result;
  }

  const account = (name: string, extra: Record<string, unknown> = {}) => records().create('account', { name, ...extra }, { actor: admin });

  it('create, update, delete, restore and purge', async () => {
    const a = await logged(
      'create',
      'record.created',
      () => account('杭州青禾科技'),
      (r) => [r.id],
    );
    await logged(
      'update',
      'record.updated',
      () => records().update('account', a.id, { name: '杭州青禾' }, {}, { actor: admin }),
      () => [a.id],
    );
    await logged(
      'delete',
      'record.deleted',
      () => records().delete('account', a.id, {}, { actor: admin }),
      () => [a.id],
    );
    await logged(
      'restore',
      'record.restored',
      () => records().restore('account', a.id, { actor: admin }),
      () => [a.id],
    );
    await records().delete('account', a.id, {}, { actor: admin });
    await logged(
      'purge',
      'record.purged',
      () => records().purge('account', a.id, { actor: admin }),
      () => [a.id],
    );
    const history = await records().history('account', a.id);
    expect(history.at(-1)).toMatchObject({ action: 'purge', actor: admin, version: 6 });
  });

  it('revert (an update back to an earlier version)', async () => {
    const a = await account('宁波海曙贸易');
    await records().update('account', a.id, { name: '宁波贸易' }, {}, { actor: admin });
    const reverted = await logged(
      'update',
      'record.updated',
      () => records().revert('account', a.id, 1, { actor: admin }),
      () => [a.id],
    );
    expect(reverted.name).toBe('宁波海曙贸易');
  });

  it('transfer, and handing everything a member owns to another', async () => {
    const [a, b] = [await account('温州鹿城鞋业'), await account('嘉兴南湖电子')];
    await logged(
      'transfer',
      'record.transferred',
      () => records().transfer('account', { ids: [a.id, b.id], to: member }, { actor: admin }),
      () => [a.id, b.id],
    );
    const quote = await records().create('quote', { title: '报价', lines: [{ item: 'A' }] }, { actor: member });
    const moved = await logged(
      'transfer',
      'record.transferred',
      () => records().transferAll({ from: member, to: successor }, { actor: admin }),
      (r) => Object.values(r).reduce((x, y) => x + y, 0),
    );
    expect(moved).toEqual({ account: 2, quote: 1, quote_line: 1 });
    expect((await records().get('quote', quote.id)).owner_id).toBe(successor);
  });

  it('claim, release and recycle (the public pool)', async () => {
    const pooled = await account('台州椒江机电', { owner_id: null });
    await logged(
      'transfer',
      'record.transferred',
      () => records().claim('account', pooled.id, { actor: member }),
      () => [pooled.id],
    );
    await logged(
      'transfer',
      'record.transferred',
      () => records().release('account', pooled.id, { actor: member }),
      () => [pooled.id],
    );
    await records().claim('account', pooled.id, { actor: member });
    const later = new Date(Date.now() + 60 * 86_400_000);
    const owned = await sql<{ id: string }>`select id from ${q('account')}
      where owner_id is not null and deleted_at is null`.execute(t.engine.db);
    expect(owned.rows.length).toBeGreaterThan(1);
    await logged(
      'transfer',
      'record.transferred',
      () => records().recyclePools({ object: 'account', now: later }),
      () => owned.rows.map((r) => r.id),
    );
  });

  it('import, and bulk creates, updates and deletes', async () => {
    const imported = await logged(
      'create',
      'record.created',
      () => records().import('account', [{ name: '导入一' }, { name: '导入二' }], { actor: admin }),
      (r) => r.map((x) => x.id),
    );
    const created = await logged(
      'create',
      'record.created',
      () => records().bulkCreate('account', [{ name: '批量一' }, { name: '批量二' }, { name: '批量三' }], { actor: admin }),
      (r) => r.map((x) => x.id),
    );
    const ids = created.map((c) => c.id);
    await logged(
      'update',
      'record.updated',
      () =>
        records().bulkUpdate(
          'account',
          ids.map((id, i) => ({ id, values: { name: `批量 ${i}` } })),
          { actor: admin },
        ),
      () => ids,
    );
    await logged(
      'delete',
      'record.deleted',
      () => records().bulkDelete('account', ids, { actor: admin }),
      () => ids,
    );
    const [first, second] = imported.map((r) => r.id) as [string, string];
    // One bulk call: its create, update and delete are each logged once, as what they are.
    await logged(
      ['create', 'update', 'delete'],
      ['record.created', 'record.updated', 'record.deleted'],
      () =>
        records().bulk('account', { create: [{ name: '批量四' }], update: [{ id: first, values: { name: '导入 1' } }], delete: [second] }, { actor: admin }),
      (r) => [r.created[0]?.id as string, first, second],
    );
  });

  it('a master with its detail lines: one entry and one event for each record the cascade changes', async () => {
    const quote = await logged(
      'create',
      'record.created',
      () => records().create('quote', { title: '两行报价', lines: [{ item: 'A' }, { item: 'B' }] }, { actor: admin }),
      () => 3,
    );
    await logged(
      'delete',
      'record.deleted',
      () => records().delete('quote', quote.id, {}, { actor: admin }),
      () => 3,
    );
    await logged(
      'restore',
      'record.restored',
      () => records().restore('quote', quote.id, { actor: admin }),
      () => 3,
    );
  });

  it('a behaviour that throws before the write aborts it: no row, no audit entry, no event', async () => {
    const remove = t.engine.behaviours.register({
      name: 'test.refuseSecret',
      phase: 'beforeWrite',
      actions: ['create'],
      run: (ctx) => {
        if (ctx.record.name === '机密') throw new AppError('FORBIDDEN', { object: ctx.om.name, reason: 'a test behaviour refused it' });
      },
    });
    try {
      const [audit0, outbox0] = [await lastId('_audit'), await lastId('_outbox')];
      const refused = await failure(records().bulkCreate('account', [{ name: '公开' }, { name: '机密' }], { actor: admin }));
      expect(refused).toMatchObject({ code: 'FORBIDDEN', details: { index: 1 } });
      expect([await lastId('_audit'), await lastId('_outbox')]).toEqual([audit0, outbox0]);
      const rows = await sql`select id from ${q('account')} where name in ('公开', '机密')`.execute(t.engine.db);
      expect(rows.rows).toEqual([]);
    } finally {
      remove();
    }
  });

  it('runs afterCommit behaviours once the change is committed, and never for a rolled-back one', async () => {
    const seen: { action: string; id?: string; committed: boolean }[] = [];
    const inTransaction: string[] = [];
    const removeIn = t.engine.behaviours.register({
      name: 'test.inTransaction',
      phase: 'inTransaction',
      actions: ['create', 'transfer'],
      run: (ctx) => void inTransaction.push(`${ctx.action}:${ctx.row ? 'row' : (ctx.ids?.length ?? 0)}`),
    });
    const removeAfter = t.engine.behaviours.register({
      name: 'test.afterCommit',
      phase: 'afterCommit',
      actions: ['create', 'update', 'transfer'],
      run: async (ctx) => {
        // Read outside the transaction: the change is visible to everyone by now.
        const found = ctx.id ? await sql`select id from ${q(ctx.om.table)} where id = ${ctx.id}`.execute(t.engine.db) : { rows: [1] };
        seen.push({ action: ctx.action, id: ctx.id, committed: found.rows.length === 1 });
      },
    });
    try {
      const a = await account('绍兴越城纺织');
      expect(seen).toEqual([{ action: 'create', id: a.id, committed: true }]);
      await failure(records().bulk('account', { create: [{ name: '回滚' }], update: [{ id: a.id, version: 99, values: { name: 'x' } }] }, { actor: admin }));
      expect(seen).toHaveLength(1);
      await records().transfer('account', { ids: [a.id], to: member }, { actor: admin });
      expect(seen.at(-1)).toEqual({ action: 'transfer', id: undefined, committed: true });
      expect(inTransaction).toEqual(['create:row', 'create:row', 'transfer:1']);
    } finally {
      removeIn();
      removeAfter();
    }
  });
});

describe('the one writer', () => {
  const src = join(import.meta.dirname, '..');
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
  const writesLog =
    /insertInto\(\s*['"]_(audit|outbox)['"]|insert\s+into\s+\$\{\s*sql\.(id|table)\([^)]*['"`][^'"`]*_(audit|outbox)['"`]\s*\)\s*\}|insert\s+into\s+["\w.]*\b_(audit|outbox)\b(?!_)/i;

  it('is the only file of the engine that inserts into _audit or _outbox', () => {
    const writers = files(src)
      .filter((f) => !f.endsWith('.test.ts') && !f.includes(`${join('src', 'testing')}`))
      .filter((f) => writesLog.test(readFileSync(f, 'utf8')))
      .map((f) => relative(src, f));
    expect(writers).toEqual([join('records', 'change-log.ts')]);
  });

  it('has a pattern that finds the ways a log insert is written', () => {
    expect(writesLog.test("trx.insertInto('_audit').values(x)")).toBe(true);
    const dollar = '$';
    expect(writesLog.test(`insert into ${dollar}{sql.id(schema, '_outbox')} (event)`)).toBe(true);
    expect(writesLog.test('insert into t._audit (object_id)')).toBe(true);
    expect(writesLog.test(`insert into ${dollar}{sql.id(schema, '_outbox_lease')} as l`)).toBe(false);
  });
});
