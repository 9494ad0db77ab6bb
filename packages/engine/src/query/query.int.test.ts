import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../testing/databases';
import { type TestTenant, failure, setupTenant } from '../testing/engine';

const app = {
  objects: [
    {
      name: 'company',
      searchFields: ['name', 'note'],
      fields: [
        { name: 'name', type: 'text', required: true },
        { name: 'note', type: 'textarea' },
        { name: 'score', type: 'integer' },
        { name: 'region', type: 'select', options: { options: [{ key: 'north' }, { key: 'south' }] } },
        { name: 'parent', type: 'lookup', options: { target: 'company' } },
      ],
    },
  ],
};

const names = [
  '北京七巧板科技有限公司',
  '上海七巧板贸易',
  '深圳华强电子',
  'Acme Ltd',
  'acme trading',
  '广州白云机场',
  '杭州西湖茶叶',
  'Zeta 公司',
  '成都熊猫文化',
  '武汉光谷软件',
];

describe.each(await backends())('querying records on %s', (backend) => {
  let t: TestTenant;
  const ids: string[] = [];
  beforeAll(async () => {
    t = await setupTenant(backend);
    await t.tenant.schema.publish(app);
    for (const [i, name] of names.entries()) {
      const r = await t.tenant.records.create('company', {
        name,
        note: i % 2 ? '重点客户，需要跟进' : null,
        score: i % 3 === 0 ? null : i * 10,
        region: i % 2 ? 'north' : 'south',
        parent: ids[0] ?? null,
      });
      ids.push(r.id);
    }
  });
  afterAll(() => t.close());
  const q = (opts: Parameters<TestTenant['tenant']['records']['query']>[1]) => t.tenant.records.query('company', opts);

  it('filters with JSON Logic', async () => {
    const r = await q({ filter: { and: [{ '>=': [{ var: 'score' }, 40] }, { '==': [{ var: 'region' }, 'south'] }] }, sort: [{ field: 'score' }] });
    expect(r.records.map((x) => x.score)).toEqual([40, 80]);
  });

  it('finds Chinese substrings by text search, case-insensitively for Latin text', async () => {
    expect((await q({ search: '七巧板' })).records.map((r) => r.name).sort()).toEqual(['上海七巧板贸易', '北京七巧板科技有限公司']);
    expect((await q({ search: 'ACME' })).records).toHaveLength(2);
    expect((await q({ search: '重点' })).records).toHaveLength(5);
    expect((await q({ search: '100%_' })).records).toEqual([]);
  });

  it('pages with a keyset cursor through a sort with nulls, without gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const r = await q({ sort: [{ field: 'score', direction: 'desc' }], limit: 3, ...(after ? { after } : {}) });
      seen.push(...r.records.map((x) => x.id));
      if (!r.nextCursor) break;
      after = r.nextCursor;
    }
    const all = await q({ sort: [{ field: 'score', direction: 'desc' }], limit: 100 });
    expect(seen).toEqual(all.records.map((x) => x.id));
    expect(new Set(seen).size).toBe(names.length);
  });

  it('pages by offset', async () => {
    const all = await q({ sort: [{ field: 'name' }], limit: 100 });
    const second = await q({ sort: [{ field: 'name' }], limit: 4, offset: 4 });
    expect(second.records.map((r) => r.id)).toEqual(all.records.slice(4, 8).map((r) => r.id));
  });

  it('returns only the fields asked for, plus id and version', async () => {
    const r = await q({ fields: ['name'], limit: 1 });
    expect(Object.keys(r.records[0] ?? {}).sort()).toEqual(['id', 'name', 'version']);
  });

  it('expands lookups', async () => {
    const r = await q({ filter: { '==': [{ var: 'id' }, ids[3]] }, expand: ['parent'] });
    expect((r.records[0]!.$expanded as { parent: { name: string } }).parent.name).toBe(names[0]);
  });

  it('counts exactly when the result is small', async () => {
    const r = await q({ filter: { '==': [{ var: 'region' }, 'north'] }, count: true, limit: 1 });
    expect(r).toMatchObject({ total: 5, totalExact: true });
  });

  it('refuses unknown fields, operators, sorts and cursors with stable codes', async () => {
    expect((await failure(q({ filter: { '==': [{ var: 'nope' }, 1] } }))).code).toBe('RULE_FIELD_UNKNOWN');
    expect((await failure(q({ filter: { regexp: [{ var: 'name' }, '.*'] } }))).code).toBe('RULE_OPERATOR_UNKNOWN');
    expect((await failure(q({ sort: [{ field: 'nope' }] }))).code).toBe('QUERY_INVALID');
    expect((await failure(q({ sort: [{ field: 'note' }] }))).code).toBe('QUERY_INVALID');
    expect((await failure(q({ after: 'garbage' }))).code).toBe('CURSOR_INVALID');
    const other = await q({ sort: [{ field: 'name' }], limit: 1 });
    expect((await failure(q({ sort: [{ field: 'score' }], after: other.nextCursor as string }))).code).toBe('CURSOR_INVALID');
    expect((await failure(t.tenant.records.query('nothing'))).code).toBe('OBJECT_NOT_FOUND');
  });

  it('lists the recycle bin most recently deleted first, page by page; live lists cannot sort by deletion', async () => {
    const gone: string[] = [];
    for (const name of ['回收甲', '回收乙', '回收丙']) {
      const r = await t.tenant.records.create('company', { name });
      await t.tenant.records.delete('company', r.id);
      gone.unshift(r.id);
    }
    const sort = [{ field: 'deleted_at', direction: 'desc' as const }];
    const first = await q({ deleted: true, sort, limit: 2 });
    const second = await q({ deleted: true, sort, limit: 2, after: first.nextCursor as string });
    expect([...first.records, ...second.records].map((r) => r.id)).toEqual(gone);
    expect((await failure(q({ sort }))).details.problems).toEqual([expect.objectContaining({ code: 'FIELD_NOT_FOUND', field: 'deleted_at' })]);
  });
});
