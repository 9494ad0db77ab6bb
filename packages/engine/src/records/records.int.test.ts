import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../testing/databases';
import { type TestTenant, failure, setupTenant } from '../testing/engine';
import { salesApp } from '../testing/fixtures';

describe.each(await backends())('records on %s', (backend) => {
  let t: TestTenant;
  const actor = '0190a000-0000-7000-8000-000000000001';
  beforeAll(async () => {
    t = await setupTenant(backend);
    await t.tenant.schema.publish(salesApp);
  });
  afterAll(() => t.close());

  const records = () => t.tenant.records;

  it('creates a record with defaults, system fields and version 1', async () => {
    const a = await records().create(
      'account',
      {
        name: '华为技术有限公司',
        city: '深圳',
        level: 'A',
        tags: ['vip'],
        employees: 200000,
        founded: '1987-09-15',
        last_contact: '2026-11-20T10:30:00+08:00',
        extra: { k: [1, 2] },
      },
      { actor },
    );
    expect(a).toMatchObject({
      name: '华为技术有限公司',
      active: true,
      version: 1,
      created_by: actor,
      owner_id: actor,
      tags: ['vip'],
      founded: '1987-09-15',
      last_contact: '2026-11-20T02:30:00.000Z',
      extra: { k: [1, 2] },
    });
    expect(await records().get('account', a.id)).toEqual(a);
  });

  it('refuses a missing required field and a duplicate unique value, naming the field', async () => {
    expect((await failure(records().create('account', { city: '北京' }))).details.problems).toEqual([
      expect.objectContaining({ field: 'name', message: 'is required' }),
    ]);
    await records().create('account', { name: '重复公司' });
    const dup = await failure(records().create('account', { name: '重复公司' }));
    expect(dup).toMatchObject({ code: 'RECORD_NOT_UNIQUE', details: { object: 'account', field: 'name' } });
  });

  it('updates with the version read and refuses a stale version with the current record', async () => {
    const a = await records().create('account', { name: '阿里巴巴' });
    const b = await records().update('account', a.id, { city: '杭州' }, { version: 1 });
    expect(b).toMatchObject({ city: '杭州', version: 2 });
    const stale = await failure(records().update('account', a.id, { city: '上海' }, { version: 1 }));
    expect(stale.code).toBe('RECORD_VERSION_CONFLICT');
    expect(stale.details.current).toMatchObject({ city: '杭州', version: 2 });
  });

  it('does not bump the version when nothing changes', async () => {
    const a = await records().create('account', { name: '无变化' });
    expect((await records().update('account', a.id, { name: '无变化' })).version).toBe(1);
  });

  it('keeps field-level history and reverts a record to an earlier version', async () => {
    const a = await records().create('account', { name: '腾讯', city: '深圳' }, { actor, requestId: 'req-1' });
    await records().update('account', a.id, { city: '北京', employees: 10 }, { version: 1 }, { actor, requestId: 'req-2' });
    const h = await records().history('account', a.id);
    expect(h.map((e) => e.action)).toEqual(['create', 'update']);
    expect(h[1]).toMatchObject({
      version: 2,
      actor,
      requestId: 'req-2',
      changes: { city: { before: '深圳', after: '北京' }, employees: { before: null, after: 10 } },
    });
    const reverted = await records().revert('account', a.id, 1);
    expect(reverted).toMatchObject({ city: '深圳', employees: null, version: 3 });
  });

  it('moves deleted records to the recycle bin and restores them', async () => {
    const a = await records().create('account', { name: '回收站公司' });
    await records().delete('account', a.id);
    expect((await failure(records().get('account', a.id))).code).toBe('RECORD_NOT_FOUND');
    const bin = await records().query('account', { deleted: true });
    expect(bin.records.map((r) => r.id)).toContain(a.id);
    const back = await records().restore('account', a.id);
    expect(back).toMatchObject({ deleted_at: null, version: 3 });
    expect((await failure(records().restore('account', a.id))).code).toBe('RECORD_NOT_DELETED');
  });

  it('numbers orders with the date in the format and a padded counter', async () => {
    const acc = await records().create('account', { name: '编号客户' });
    const o1 = await records().create('sales_order', { account: acc.id });
    const o2 = await records().create('sales_order', { account: acc.id });
    expect(o1.number).toMatch(/^SO-\d{6}-0001$/);
    expect(o2.number).toMatch(/^SO-\d{6}-0002$/);
    expect((await failure(records().update('sales_order', o1.id, { number: 'X' }))).details.problems).toEqual([
      expect.objectContaining({ code: 'RECORD_READ_ONLY_FIELD', field: 'number' }),
    ]);
  });

  it('writes a master with its detail lines, computing formulas and rollups in the same transaction', async () => {
    const acc = await records().create('account', { name: '主从客户' });
    const order = await records().create('sales_order', {
      account: acc.id,
      discount: 10,
      lines: [
        { qty: 2, price: 100 },
        { qty: 1.5, price: 10 },
      ],
    });
    const got = await records().get('sales_order', order.id, { expand: ['lines', 'account'] });
    expect(got.total).toBe(215);
    expect(got.net).toBe(193.5);
    expect((got.$expanded as { lines: { amount: number }[] }).lines.map((l) => l.amount)).toEqual([200, 15]);
    expect((got.$expanded as { account: { name: string } }).account.name).toBe('主从客户');
    const account = await records().get('account', acc.id);
    expect(account).toMatchObject({ order_count: 1, order_total: 215 });
  });

  it('gives new detail lines the master’s owner, unless a line names its own', async () => {
    const acc = await records().create('account', { name: '主从归属' });
    const [rep, other] = [crypto.randomUUID(), crypto.randomUUID()];
    const order = await records().create('sales_order', {
      account: acc.id,
      owner_id: rep,
      lines: [
        { qty: 1, price: 1 },
        { qty: 2, price: 1, owner_id: other },
      ],
    });
    const owners = async () =>
      (await records().query('order_line', { filter: { '==': [{ var: 'order' }, order.id] }, sort: [{ field: 'qty' }] })).records.map((l) => l.owner_id);
    expect(await owners()).toEqual([rep, other]);
    await records().update('sales_order', order.id, { lines: [{ qty: 3, price: 1 }] }, { version: order.version });
    expect(await owners()).toEqual([rep]);
  });

  it('writes nothing when one detail line is invalid', async () => {
    const acc = await records().create('account', { name: '失败主从' });
    const err = await failure(
      records().create('sales_order', {
        account: acc.id,
        lines: [
          { qty: 1, price: 1 },
          { qty: 'x', price: 1 },
        ],
      }),
    );
    expect(err).toMatchObject({ code: 'RECORD_INVALID', details: { detail: 'lines', index: 1 } });
    expect((await records().query('sales_order', { filter: { '==': [{ var: 'account' }, acc.id] } })).records).toEqual([]);
    expect((await records().get('account', acc.id)).order_count).toBe(0);
  });

  it('replaces detail lines on update and deletes a master with its lines', async () => {
    const acc = await records().create('account', { name: '更新明细' });
    const order = await records().create('sales_order', {
      account: acc.id,
      lines: [
        { qty: 1, price: 10 },
        { qty: 1, price: 20 },
      ],
    });
    const lines = (await records().get('sales_order', order.id, { expand: ['lines'] })).$expanded as { lines: { id: string; version: number }[] };
    const first = lines.lines[0]!;
    await records().update('sales_order', order.id, {
      lines: [
        { id: first.id, version: first.version, qty: 3 },
        { qty: 1, price: 5 },
      ],
    });
    expect((await records().get('sales_order', order.id)).total).toBe(35);
    await records().delete('sales_order', order.id);
    expect((await records().query('order_line', { filter: { '==': [{ var: 'order' }, order.id] } })).records).toEqual([]);
    expect((await records().get('account', acc.id)).order_count).toBe(0);
    await records().restore('sales_order', order.id);
    expect((await records().query('order_line', { filter: { '==': [{ var: 'order' }, order.id] } })).records).toHaveLength(2);
  });

  it('applies validation rules with their message on their field', async () => {
    const acc = await records().create('account', { name: '折扣客户' });
    const err = await failure(records().create('sales_order', { account: acc.id, discount: 50 }));
    expect(err).toMatchObject({
      code: 'VALIDATION_RULE_FAILED',
      details: { problems: [expect.objectContaining({ field: 'discount', rule: 'discount_cap', message: '折扣不能超过30%' })] },
    });
  });

  it('stores many-to-many links and refuses links to missing records', async () => {
    const acc = await records().create('account', { name: '多对多' });
    const p1 = await records().create('product', { name: '手机', price: 3999 });
    const p2 = await records().create('product', { name: '耳机', price: 199.5 });
    const o = await records().create('sales_order', { account: acc.id, products: [p2.id, p1.id] });
    expect((await records().get('sales_order', o.id)).products).toEqual([p2.id, p1.id]);
    const bad = await failure(records().update('sales_order', o.id, { products: ['0190a000-0000-7000-8000-00000000dead'] }));
    expect(bad).toMatchObject({ code: 'RECORD_REFERENCE_INVALID', details: { problems: [expect.objectContaining({ field: 'products' })] } });
  });

  it('refuses a lookup to a record in the recycle bin', async () => {
    const acc = await records().create('account', { name: '已删客户' });
    await records().delete('account', acc.id);
    const err = await failure(records().create('sales_order', { account: acc.id }));
    expect(err).toMatchObject({ code: 'RECORD_REFERENCE_INVALID', details: { problems: [expect.objectContaining({ field: 'account' })] } });
  });

  it('creates many records in one transaction, or none', async () => {
    const ok = await records().bulkCreate('product', [{ name: 'A1' }, { name: 'A2' }]);
    expect(ok).toHaveLength(2);
    const err = await failure(records().bulkCreate('product', [{ name: 'B1' }, { price: 1 }]));
    expect(err).toMatchObject({ code: 'RECORD_INVALID', details: { index: 1 } });
    expect((await records().query('product', { filter: { '==': [{ var: 'name' }, 'B1'] } })).records).toEqual([]);
  });

  it('leaves one outbox event per committed change and none for a rolled-back one', async () => {
    const before = await t.tenant.outbox.claim('test', 'w0', { limit: 1000 });
    await t.tenant.outbox.ack(
      'test',
      'w0',
      before.map((e) => e.id),
    );
    const p = await records().create('product', { name: '事件' });
    await records().update('product', p.id, { price: 1 });
    await failure(records().create('product', { price: 2 }));
    const events = await t.tenant.outbox.claim('test', 'w0');
    expect(events.map((e) => [e.event, e.recordId])).toEqual([
      ['record.created', p.id],
      ['record.updated', p.id],
    ]);
    expect(events[1]?.payload).toMatchObject({ object: 'product', version: 2, changed: ['price'] });
  });
});
