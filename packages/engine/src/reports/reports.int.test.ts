import fc from 'fast-check';
import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserAccess } from '../access/access';
import type { RecordData } from '../records/row';
import { backends } from '../testing/databases';
import { type TestTenant, failure, setupTenant } from '../testing/engine';
import { type Dimension, type ReportSpec, rfmSegments } from './spec';

// Reports against an oracle: every report a member runs must equal what the test computes itself
// from the records that member can list (records.query, page by page) and the accounts they can
// read — over random dimensions (fields, lookup paths, users, departments at a level, periods with
// a fiscal year) × measures (with their own filters) × members with different scopes and hidden
// fields. A figure that counts a record the member cannot list, or reads a field they cannot
// read, fails it; so does a wrong period, a wrong roll-up or a lost group.

const stages = ['lead', 'qualify', 'proposal', 'won', 'lost'];
const regions = ['east', 'north', 'south'];
const app = {
  objects: [
    {
      name: 'account',
      titleField: 'name',
      fields: [
        { name: 'name', type: 'text' },
        { name: 'region', type: 'select', options: { options: regions.map((key) => ({ key, label: { 'zh-CN': `华${key}` } })) } },
        { name: 'rating', type: 'integer' },
      ],
    },
    {
      name: 'deal',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'account', type: 'lookup', options: { target: 'account' } },
        // options deliberately not in alphabetical order: a funnel keeps the stages' order
        { name: 'stage', type: 'select', options: { options: stages.map((key) => ({ key })) } },
        { name: 'amount', type: 'decimal', options: { scale: 2 } },
        { name: 'cost', type: 'decimal', options: { scale: 2 } },
        { name: 'closed_on', type: 'date' },
        { name: 'closed_at', type: 'datetime' },
      ],
    },
  ],
};

/** A small deterministic generator: the same data on both databases. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type Row = Record<string, unknown>;

describe.each(await backends())('reports on %s', (backend) => {
  let t: TestTenant;
  const dept: Record<string, string> = {};
  const deptPath: Record<string, string[]> = {};
  const users = { boss: uuidv7(), mgr: uuidv7(), rep1: uuidv7(), rep2: uuidv7(), rep3: uuidv7(), blind: uuidv7() };
  const primary: Record<string, string | undefined> = {};
  let accounts: RecordData[] = [];
  const access = new Map<string, UserAccess>();

  beforeAll(async () => {
    t = await setupTenant(backend);
    await t.tenant.schema.publish(app);
    await t.engine.db
      .withSchema(t.tenant.tenant.schema)
      .insertInto('_user')
      .values(Object.entries(users).map(([name, id]) => ({ id, name })))
      .execute();
    const org = t.tenant.org;
    const hq = await org.createDepartment({ name: '总部' });
    const sales = await org.createDepartment({ name: '销售部', parentId: hq.id });
    const east = await org.createDepartment({ name: '华东组', parentId: sales.id });
    const north = await org.createDepartment({ name: '华北组', parentId: sales.id });
    Object.assign(dept, { hq: hq.id, sales: sales.id, east: east.id, north: north.id });
    for (const d of [hq, sales, east, north]) deptPath[d.id] = d.path;
    const place: Record<string, string> = { boss: hq.id, mgr: sales.id, rep1: east.id, rep2: east.id, rep3: north.id };
    for (const [u, d] of Object.entries(place)) {
      await org.updateMember(users[u as keyof typeof users], { departmentIds: [d] });
      primary[users[u as keyof typeof users]] = d;
    }
    await t.tenant.access.putRole('boss', { objects: { deal: { read: 'all' }, account: { read: 'all' } } });
    await t.tenant.access.putRole('manager', { objects: { deal: { read: 'department_and_below' }, account: { read: 'all' } } });
    await t.tenant.access.putRole('rep', {
      objects: { deal: { read: 'own', fields: { cost: 'hidden' } }, account: { read: 'own', fields: { rating: 'hidden' } } },
    });
    await t.tenant.access.putRole('blind', { objects: { deal: { read: 'all', fields: { amount: 'hidden', closed_on: 'hidden' } } } });
    const roles: Record<string, string> = { boss: 'boss', mgr: 'manager', rep1: 'rep', rep2: 'rep', rep3: 'rep', blind: 'blind' };
    for (const [u, r] of Object.entries(roles)) await t.tenant.access.setUserRoles(users[u as keyof typeof users], [r]);

    const rnd = prng(20261207);
    const owners = [users.rep1, users.rep2, users.rep3, users.mgr, null];
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)] as T;
    accounts = await t.tenant.records.bulkCreate(
      'account',
      Array.from({ length: 12 }, (_, i) => ({
        name: `客户${i}`,
        region: i % 7 === 6 ? null : pick(regions),
        rating: Math.floor(rnd() * 5),
        owner_id: pick(owners),
      })),
    );
    const day = (i: number) => new Date(Date.UTC(2024, 0, 1) + Math.floor(rnd() * 900) * 86_400_000 + i * 0).toISOString().slice(0, 10);
    await t.tenant.records.bulkCreate(
      'deal',
      Array.from({ length: 160 }, (_, i) => ({
        title: `商机${i}`,
        account: i % 11 === 10 ? null : (pick(accounts).id as string),
        stage: i % 13 === 12 ? null : pick(stages),
        amount: i % 17 === 16 ? null : Math.round(rnd() * 1_000_000) / 100,
        cost: Math.round(rnd() * 100_000) / 100,
        closed_on: i % 9 === 8 ? null : day(i),
        // around midnight in Shanghai: a UTC day differs from the local one
        closed_at: new Date(Date.UTC(2024, 0, 1) + Math.floor(rnd() * 900) * 86_400_000 + (15 + Math.floor(rnd() * 3)) * 3_600_000).toISOString(),
        owner_id: pick(owners),
      })),
    );
    for (const u of Object.values(users)) access.set(u, await t.tenant.access.forUser(u));
  });
  afterAll(() => t.close());

  /** Every record of an object a member can list. */
  async function listed(object: string, as: UserAccess): Promise<RecordData[]> {
    const out: RecordData[] = [];
    let after: string | undefined;
    do {
      const page = await t.tenant.records.query(object, { limit: 1000, ...(after ? { after } : {}) }, { access: as });
      out.push(...page.records);
      after = page.nextCursor ?? undefined;
    } while (after);
    return out;
  }

  const bucketOf = (date: string | null, bucket: string | undefined, fiscal: number): string | null => {
    if (!date || !bucket) return date;
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    if (bucket === 'day') return date;
    if (bucket === 'week') {
      const at = new Date(Date.UTC(y, m - 1, d));
      at.setUTCDate(at.getUTCDate() - ((at.getUTCDay() + 6) % 7));
      return at.toISOString().slice(0, 10);
    }
    if (bucket === 'month') return `${y}-${String(m).padStart(2, '0')}-01`;
    // fiscal quarters and years start in month `fiscal`
    const months = y * 12 + (m - 1) - (fiscal - 1);
    const startMonths = bucket === 'quarter' ? months - (((months % 3) + 3) % 3) : months - (((months % 12) + 12) % 12);
    const s = startMonths + (fiscal - 1);
    return `${Math.floor(s / 12)}-${String((s % 12) + 1).padStart(2, '0')}-01`;
  };
  const shanghaiDay = (iso: string | null) => (iso ? new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10) : null);

  /** The value of a dimension for a deal, computed the way a person would. */
  function dimValue(d: Dimension, deal: RecordData, visibleAccounts: Map<string, RecordData>, fiscal: number): unknown {
    const { field, bucket, level } = d;
    const departmentAt = (id: string | null | undefined) => {
      if (!id) return null;
      if (level === undefined) return id;
      return deptPath[id]?.[level - 1] ?? id;
    };
    switch (field) {
      case 'stage':
      case 'amount':
        return deal[field] ?? null;
      case 'account':
        return deal.account ?? null;
      case 'account.region':
        return (visibleAccounts.get(deal.account as string)?.region as string | undefined) ?? null;
      case 'owner_id':
        return deal.owner_id ?? null;
      case 'owner_id.department':
        return departmentAt(primary[deal.owner_id as string]);
      case 'account.owner_id.department': {
        const a = visibleAccounts.get(deal.account as string);
        return a ? departmentAt(primary[a.owner_id as string]) : null;
      }
      case 'closed_on':
        return bucketOf((deal.closed_on as string | null) ?? null, bucket, fiscal);
      case 'closed_at':
        return bucketOf(shanghaiDay((deal.closed_at as string | null) ?? null), bucket ?? 'day', fiscal);
    }
    throw new Error(`no oracle for ${field}`);
  }

  const dimensions: fc.Arbitrary<Dimension> = fc.oneof(
    fc.constantFrom<Dimension>({ field: 'stage' }, { field: 'account' }, { field: 'account.region' }, { field: 'owner_id' }, { field: 'owner_id.department' }),
    fc.constantFrom(1, 2, 3).map((level): Dimension => ({ field: 'owner_id.department', level, as: `dept${level}` })),
    fc.constantFrom(1, 2).map((level): Dimension => ({ field: 'account.owner_id.department', level, as: `adept${level}` })),
    fc
      .constantFrom('day', 'week', 'month', 'quarter', 'year')
      .map((bucket): Dimension => ({ field: 'closed_on', bucket: bucket as Dimension['bucket'], as: `on_${bucket}` })),
    fc.constantFrom('month', 'quarter', 'year').map((bucket): Dimension => ({ field: 'closed_at', bucket: bucket as Dimension['bucket'], as: `at_${bucket}` })),
  );
  const wonOnly = { '==': [{ var: 'stage' }, 'won'] };
  const measures = [
    { name: 'n', fn: 'count' },
    { name: 'accounts', fn: 'distinct', field: 'account' },
    { name: 'total', fn: 'sum', field: 'amount' },
    { name: 'mean', fn: 'avg', field: 'amount' },
    { name: 'low', fn: 'min', field: 'amount' },
    { name: 'high', fn: 'max', field: 'amount' },
    { name: 'won', fn: 'count', filter: wonOnly },
    { name: 'won_total', fn: 'sum', field: 'amount', filter: wonOnly },
  ] as const;
  const filters = [
    undefined,
    { '>': [{ var: 'amount' }, 3000] },
    { in: [{ var: 'stage' }, ['won', 'lost']] },
    { '==': [{ var: 'owner_id' }, { var: '$user.id' }] },
  ];

  function oracle(spec: ReportSpec, member: string, deals: RecordData[], visibleAccounts: Map<string, RecordData>): Map<string, Row> {
    const dims = [...(spec.rows ?? []), ...(spec.columns ?? [])];
    const fiscal = spec.fiscalYearStart ?? 1;
    const matches = (filter: unknown, d: RecordData) => {
      if (!filter) return true;
      const f = filter as Record<string, [unknown, unknown]>;
      if ('>' in f) return d.amount !== null && d.amount !== undefined && (d.amount as number) > 3000;
      if ('in' in f) return ['won', 'lost'].includes(d.stage as string);
      if ('==' in f) return JSON.stringify(f['==']).includes('$user') ? d.owner_id === member : d.stage === 'won';
      throw new Error('no oracle for filter');
    };
    const groups = new Map<string, RecordData[]>();
    for (const d of deals) {
      if (!matches(spec.filter, d)) continue;
      const key = JSON.stringify(dims.map((x) => dimValue(x, d, visibleAccounts, fiscal)));
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push(d);
    }
    // a report without dimensions is one row of totals, over no records too
    if (!dims.length && !groups.size) groups.set('[]', []);
    const out = new Map<string, Row>();
    for (const [key, list] of groups) {
      const row: Row = {};
      for (const m of spec.values as (typeof measures)[number][]) {
        const ms = 'filter' in m ? list.filter((d) => matches(m.filter, d)) : list;
        const nums = ms.map((d) => d.amount).filter((x): x is number => typeof x === 'number');
        row[m.name] =
          m.fn === 'count'
            ? ms.length
            : m.fn === 'distinct'
              ? new Set(ms.map((d) => d.account).filter((x) => x)).size
              : m.fn === 'sum'
                ? nums.reduce((a, b) => a + b, 0)
                : !nums.length
                  ? null
                  : m.fn === 'avg'
                    ? nums.reduce((a, b) => a + b, 0) / nums.length
                    : m.fn === 'min'
                      ? Math.min(...nums)
                      : Math.max(...nums);
      }
      out.set(key, row);
    }
    return out;
  }

  it('every figure equals a computation over the records each member can list (members × dimensions × periods × measures × filters)', async () => {
    const members = [users.boss, users.mgr, users.rep1, users.rep3];
    const seen = { rows: 0, nonEmpty: 0 };
    const listedBy = new Map<string, { deals: RecordData[]; accounts: Map<string, RecordData> }>();
    for (const m of members) {
      const as = access.get(m) as UserAccess;
      listedBy.set(m, { deals: await listed('deal', as), accounts: new Map((await listed('account', as)).map((a) => [a.id, a])) });
    }
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...members),
        fc.uniqueArray(dimensions, { minLength: 0, maxLength: 3, selector: (d) => d.as ?? d.field }),
        fc.subarray([...measures], { minLength: 1 }),
        fc.constantFrom(...filters),
        fc.constantFrom(1, 4),
        fc.boolean(),
        async (member, dims, values, filter, fiscalYearStart, pivot) => {
          const spec: ReportSpec = {
            object: 'deal',
            rows: pivot ? dims.slice(0, 1) : dims,
            columns: pivot ? dims.slice(1) : [],
            values: values as ReportSpec['values'],
            fiscalYearStart,
            ...(filter ? { filter } : {}),
          };
          const result = await t.tenant.reports.query(spec, { access: access.get(member) });
          const { deals, accounts: visible } = listedBy.get(member) as { deals: RecordData[]; accounts: Map<string, RecordData> };
          const expected = oracle(spec, member, deals, visible);
          const keys = [...(spec.rows ?? []), ...(spec.columns ?? [])].map((d) => d.as ?? d.field);
          expect(result.truncated).toBe(false);
          const got = new Map(result.rows.map((r) => [JSON.stringify(keys.map((k) => r[k] ?? null)), r]));
          expect([...got.keys()].sort(), JSON.stringify(spec)).toEqual([...expected.keys()].sort());
          for (const [k, row] of expected)
            for (const m of values) {
              const want = row[m.name] as number | null;
              const have = got.get(k)?.[m.name] as number | null;
              if (want === null) expect(have, `${JSON.stringify(spec)} ${k} ${m.name}`).toBeNull();
              else expect(have, `${JSON.stringify(spec)} ${k} ${m.name}`).toBeCloseTo(want, 6);
            }
          seen.rows += result.rows.length;
          if (result.rows.length) seen.nonEmpty++;
        },
      ),
      { numRuns: backend === 'pglite' ? 120 : 200 },
    );
    expect(seen.nonEmpty).toBeGreaterThan(50);
  });

  it('groups, filters or measures a field the reader cannot read: refused with FIELD_FORBIDDEN and the place it is named', async () => {
    const rep = { access: access.get(users.rep1) };
    const blind = { access: access.get(users.blind) };
    const cases: [ReportSpec, { access?: UserAccess }, string][] = [
      [{ object: 'deal', rows: [{ field: 'cost' }], values: [{ name: 'n', fn: 'count' }] }, rep, '/rows/0/field'],
      [{ object: 'deal', columns: [{ field: 'account.rating' }], values: [{ name: 'n', fn: 'count' }] }, rep, '/columns/0/field'],
      [{ object: 'deal', values: [{ name: 'c', fn: 'sum', field: 'cost' }] }, rep, '/values/0/field'],
      [{ object: 'deal', values: [{ name: 'c', fn: 'max', field: 'cost' }] }, rep, '/values/0/field'],
      [{ object: 'deal', filter: { '>': [{ var: 'cost' }, 1] }, values: [{ name: 'n', fn: 'count' }] }, rep, '/filter'],
      [{ object: 'deal', values: [{ name: 'n', fn: 'count', filter: { '>': [{ var: 'cost' }, 1] } }] }, rep, '/values/0/filter'],
      [{ object: 'deal', rows: [{ field: 'closed_on', bucket: 'month' }], values: [{ name: 'n', fn: 'count' }] }, blind, '/rows/0/field'],
      [{ object: 'deal', values: [{ name: 'a', fn: 'avg', field: 'amount' }] }, blind, '/values/0/field'],
      // the blind member may read deals but no account at all
      [{ object: 'deal', rows: [{ field: 'account.region' }], values: [{ name: 'n', fn: 'count' }] }, blind, '/rows/0/field'],
    ];
    for (const [spec, ctx, path] of cases) {
      const e = await failure(t.tenant.reports.query(spec, ctx));
      expect(e.code, JSON.stringify(spec)).toBe('FIELD_FORBIDDEN');
      expect((e.details.problems as { path: string }[]).map((p) => p.path)).toContain(path);
      // nothing of the hidden field's values in the refusal
      expect(JSON.stringify(e)).not.toMatch(/\d{3,}\.\d/);
    }
    // the same reports run for someone who may read those fields
    for (const [spec] of cases.slice(0, 6)) await expect(t.tenant.reports.query(spec, { access: access.get(users.boss) })).resolves.toHaveProperty('rows');
  });

  it("a scoped member's totals equal the sums over the records he can list, and a lookup he cannot follow groups as empty", async () => {
    for (const u of [users.rep1, users.rep2, users.rep3, users.mgr]) {
      const as = access.get(u) as UserAccess;
      const deals = await listed('deal', as);
      const r = await t.tenant.reports.query(
        {
          object: 'deal',
          values: [
            { name: 'n', fn: 'count' },
            { name: 'total', fn: 'sum', field: 'amount' },
          ],
        },
        { access: as },
      );
      expect(r.rows).toHaveLength(1);
      expect(r.rows[0]?.n).toBe(deals.length);
      expect(r.rows[0]?.total).toBeCloseTo(
        deals.reduce((a, d) => a + ((d.amount as number | null) ?? 0), 0),
        6,
      );
    }
    // rep1 reads his own accounts only: a deal of his on someone else's account has no region for him
    const as = access.get(users.rep1) as UserAccess;
    const mine = new Set((await listed('account', as)).map((a) => a.id));
    const deals = await listed('deal', as);
    const r = await t.tenant.reports.query({ object: 'deal', rows: [{ field: 'account' }], values: [{ name: 'n', fn: 'count' }] }, { access: as });
    for (const row of r.rows) {
      if (row.account && !mine.has(row.account as string)) expect(row.account$label).toBeNull();
      if (row.account && mine.has(row.account as string)) expect(row.account$label).toMatch(/^客户\d+$/);
    }
    expect(r.rows.reduce((a, x) => a + (x.n as number), 0)).toBe(deals.length);
  });

  it('orders a select dimension by its options, keeps the top N with the rest as "others", and computes subtotals', async () => {
    const boss = { access: access.get(users.boss) };
    const funnel = await t.tenant.reports.query(
      {
        object: 'deal',
        rows: [{ field: 'stage' }],
        values: [
          { name: 'n', fn: 'count' },
          { name: 'conversion', fn: 'stepRatio', of: 'n' },
          { name: 'share', fn: 'share', of: 'n' },
          { name: 'running', fn: 'cumulative', of: 'n' },
        ],
      },
      boss,
    );
    expect(funnel.rows.map((r) => r.stage)).toEqual([...stages, null]);
    const n = funnel.rows.map((r) => r.n as number);
    const total = n.reduce((a, b) => a + b, 0);
    funnel.rows.forEach((r, i) => {
      expect(r.conversion).toEqual(i === 0 ? null : (n[i] as number) / (n[i - 1] as number));
      expect(r.share).toBeCloseTo((n[i] as number) / total, 12);
      expect(r.running).toBe(n.slice(0, i + 1).reduce((a, b) => a + b, 0));
    });

    const all = await t.tenant.reports.query(
      {
        object: 'deal',
        rows: [{ field: 'account' }],
        values: [
          { name: 'total', fn: 'sum', field: 'amount' },
          { name: 'mean', fn: 'avg', field: 'amount' },
        ],
      },
      boss,
    );
    const top = await t.tenant.reports.query(
      {
        object: 'deal',
        rows: [{ field: 'account' }],
        values: [
          { name: 'total', fn: 'sum', field: 'amount' },
          { name: 'mean', fn: 'avg', field: 'amount' },
        ],
        top: { n: 3, by: 'total' },
      },
      boss,
    );
    const ranked = [...all.rows].sort((a, b) => (b.total as number) - (a.total as number));
    const kept = top.rows.filter((r) => !r.$others);
    expect(kept.map((r) => r.account).sort()).toEqual(
      ranked
        .slice(0, 3)
        .map((r) => r.account)
        .sort(),
    );
    const rest = top.rows.find((r) => r.$others);
    const restTotal = ranked.slice(3).reduce((a, r) => a + (r.total as number), 0);
    expect(rest?.total).toBeCloseTo(restTotal, 6);
    // the rest's average is over its records, not an average of averages
    const deals = await listed('deal', access.get(users.boss) as UserAccess);
    const keptIds = new Set(kept.map((r) => r.account));
    const restAmounts = deals.filter((d) => !keptIds.has(d.account ?? null) && typeof d.amount === 'number').map((d) => d.amount as number);
    expect(rest?.mean).toBeCloseTo(restAmounts.reduce((a, b) => a + b, 0) / restAmounts.length, 6);

    const sub = await t.tenant.reports.query(
      { object: 'deal', rows: [{ field: 'account.region' }, { field: 'stage' }], values: [{ name: 'n', fn: 'count' }], subtotals: true },
      boss,
    );
    const detail = sub.rows.filter((r) => !r.$subtotal);
    const grand = sub.rows.find((r) => r.$subtotal === 3);
    expect(grand?.n).toBe(deals.length);
    for (const region of [...regions, null]) {
      const s = sub.rows.find((r) => r.$subtotal === 1 && r['account.region'] === region);
      expect(s?.n).toBe(detail.filter((r) => r['account.region'] === region).reduce((a, r) => a + (r.n as number), 0));
    }
    // subtotal rows come after their details, the grand total last
    expect(sub.rows.at(-1)).toBe(grand);
  });

  it('compares periods: month over month and year over year along a date bucket', async () => {
    const boss = { access: access.get(users.boss) };
    const r = await t.tenant.reports.query(
      {
        object: 'deal',
        rows: [{ field: 'closed_on', bucket: 'quarter', as: 'q' }],
        values: [
          { name: 'total', fn: 'sum', field: 'amount' },
          { name: 'qoq', fn: 'change', of: 'total' },
          { name: 'yoy', fn: 'change', of: 'total', compare: 'year' },
        ],
        filter: { '!=': [{ var: 'closed_on' }, null] },
      },
      boss,
    );
    const byQ = new Map(r.rows.map((x) => [x.q as string, x.total as number]));
    r.rows.forEach((x, i) => {
      const prev = i ? (r.rows[i - 1]?.total as number) : undefined;
      expect(x.qoq).toEqual(prev ? ((x.total as number) - prev) / Math.abs(prev) : null);
      const lastYear = byQ.get(`${Number((x.q as string).slice(0, 4)) - 1}${(x.q as string).slice(4)}`);
      if (lastYear) expect(x.yoy).toBeCloseTo(((x.total as number) - lastYear) / Math.abs(lastYear), 12);
      else expect(x.yoy).toBeNull();
    });
    expect(r.rows.some((x) => x.yoy !== null)).toBe(true);
  });

  it('groups dates by how many days ago they were (aging bands), today in the tenant time zone', async () => {
    const boss = { access: access.get(users.boss) };
    const spec: ReportSpec = {
      object: 'deal',
      rows: [{ field: 'closed_on', ageBands: [30, 60, 90, 180, 365], as: 'age' }],
      values: [
        { name: 'n', fn: 'count' },
        { name: 'total', fn: 'sum', field: 'amount' },
      ],
    };
    const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    let r: Awaited<ReturnType<typeof t.tenant.reports.query>>;
    let day: string;
    do {
      day = today();
      r = await t.tenant.reports.query(spec, boss);
    } while (day !== today()); // ran across midnight in Shanghai: once more
    const deals = await listed('deal', access.get(users.boss) as UserAccess);
    const band = (d: string | null) => {
      if (!d) return null;
      const ago = Math.round((Date.parse(day) - Date.parse(d)) / 86_400_000);
      if (ago <= 0) return 'not_due';
      const edges = [30, 60, 90, 180, 365];
      const i = edges.findIndex((e) => ago <= e);
      return i < 0 ? '>365' : `${i ? (edges[i - 1] as number) + 1 : 1}-${edges[i]}`;
    };
    const expected = new Map<string | null, number>();
    for (const d of deals) expected.set(band(d.closed_on as string | null), (expected.get(band(d.closed_on as string | null)) ?? 0) + 1);
    expect(new Map(r.rows.map((x) => [x.age as string | null, x.n as number]))).toEqual(expected);
    // bands come in their own order, not alphabetically
    const order = ['not_due', '1-30', '31-60', '61-90', '91-180', '181-365', '>365', null];
    const got = r.rows.map((x) => x.age as string | null);
    expect(got).toEqual(order.filter((b) => got.includes(b)));
    const cell = r.rows.find((x) => x.age === '>365');
    const list = await t.tenant.reports.drill(spec, { cell: { age: '>365' }, limit: 1000 }, boss);
    expect(list.records).toHaveLength((cell?.n as number | undefined) ?? 0);
  });

  it('serves a report again from its cache only while nothing changed: any commit since, in this process or not, computes it again', async () => {
    const boss = { access: access.get(users.boss) };
    const rep = { access: access.get(users.rep1) };
    const spec: ReportSpec = {
      object: 'deal',
      rows: [{ field: 'stage' }],
      values: [
        { name: 'n', fn: 'count' },
        { name: 'total', fn: 'sum', field: 'amount' },
      ],
    };
    const cache = t.tenant.reports.cache;
    const first = await t.tenant.reports.query(spec, boss);
    const hits = cache.hits;
    expect(await t.tenant.reports.query(spec, boss)).toEqual(first);
    expect(cache.hits).toBe(hits + 1);
    // another reader runs another statement (his scope): never the boss's entry
    const mine = await t.tenant.reports.query(spec, rep);
    expect(cache.hits).toBe(hits + 1);
    const listedByRep = await listed('deal', access.get(users.rep1) as UserAccess);
    expect(mine.rows.reduce((a, r) => a + (r.n as number), 0)).toBe(listedByRep.length);
    // a write through the engine
    const created = await t.tenant.records.create('deal', { title: 'cache', stage: 'won', amount: 1, owner_id: users.rep1 });
    const after = await t.tenant.reports.query(spec, boss);
    expect(cache.hits).toBe(hits + 1);
    expect(after.rows.find((r) => r.stage === 'won')?.n).toBe(((first.rows.find((r) => r.stage === 'won')?.n as number) ?? 0) + 1);
    // a write the engine never saw (another process, a SQL console): the snapshot moved, so no stale answer
    const om = (await t.tenant.model()).byName.get('deal');
    const amount = om?.byName.get('amount')?.column as string;
    await sql`update ${sql.id(t.tenant.tenant.schema, om?.table as string)} set ${sql.id(amount)} = 1000001 where id = ${created.id as string}`.execute(
      t.engine.db,
    );
    const outside = await t.tenant.reports.query(spec, boss);
    expect(outside.rows.find((r) => r.stage === 'won')?.total).toBeCloseTo((after.rows.find((r) => r.stage === 'won')?.total as number) + 1_000_000, 6);
    await t.tenant.records.delete('deal', created.id as string);
  });

  it('drills from a cell to exactly the records it counted, within the reader scope', async () => {
    for (const u of [users.boss, users.rep1]) {
      const as = access.get(u) as UserAccess;
      const spec: ReportSpec = {
        object: 'deal',
        rows: [{ field: 'account.region' }, { field: 'closed_on', bucket: 'quarter', as: 'q' }],
        values: [
          { name: 'n', fn: 'count' },
          { name: 'won', fn: 'count', filter: wonOnly },
        ],
      };
      const r = await t.tenant.reports.query(spec, { access: as });
      expect(r.rows.length).toBeGreaterThan(0);
      for (const row of r.rows.slice(0, 12)) {
        const cell = { 'account.region': row['account.region'] ?? null, q: row.q ?? null };
        const list = await t.tenant.reports.drill(spec, { cell, limit: 1000 }, { access: as });
        expect(list.records).toHaveLength(row.n as number);
        const won = await t.tenant.reports.drill(spec, { cell, measure: 'won', limit: 1000 }, { access: as });
        expect(won.records).toHaveLength(row.won as number);
        expect(won.records.every((d) => d.stage === 'won')).toBe(true);
      }
    }
  });

  it('refuses a bad report with every problem at its place (QUERY_INVALID), never a database error', async () => {
    const bad: [unknown, string][] = [
      [{ object: 'deal', values: [] }, '/values'],
      [{ object: 'deal', rows: [{ field: 'nope' }], values: [{ name: 'n', fn: 'count' }] }, '/rows/0/field'],
      [{ object: 'deal', rows: [{ field: 'title.x' }], values: [{ name: 'n', fn: 'count' }] }, '/rows/0/field'],
      [{ object: 'deal', rows: [{ field: 'stage', bucket: 'month' }], values: [{ name: 'n', fn: 'count' }] }, '/rows/0/bucket'],
      [{ object: 'deal', rows: [{ field: 'closed_on', bucket: 'decade' }], values: [{ name: 'n', fn: 'count' }] }, '/rows/0/bucket'],
      [{ object: 'deal', rows: [{ field: 'stage', level: 2 }], values: [{ name: 'n', fn: 'count' }] }, '/rows/0/level'],
      [{ object: 'deal', rows: [{ field: 'closed_on', ageBands: [60, 30] }], values: [{ name: 'n', fn: 'count' }] }, '/rows/0/ageBands'],
      [{ object: 'deal', rows: [{ field: 'stage', ageBands: [30] }], values: [{ name: 'n', fn: 'count' }] }, '/rows/0/ageBands'],
      [{ object: 'deal', values: [{ name: 's', fn: 'sum', field: 'title' }] }, '/values/0/field'],
      [{ object: 'deal', values: [{ name: 's', fn: 'median', field: 'amount' }] }, '/values/0/fn'],
      [{ object: 'deal', values: [{ name: 'r', fn: 'ratio', of: ['x', 'y'] }] }, '/values/0/of'],
      [
        {
          object: 'deal',
          values: [
            { name: 'n', fn: 'count' },
            { name: 'g', fn: 'change', of: 'n' },
          ],
        },
        '/values/1',
      ],
      [{ object: 'deal', values: [{ name: 'n', fn: 'count' }], top: { n: 3, by: 'n' } }, '/top'],
      [{ object: 'deal', values: [{ name: 'n', fn: 'count' }], limit: 0 }, '/limit'],
      [{ object: 'deal', values: [{ name: 'n', fn: 'count' }], fiscalYearStart: 13 }, '/fiscalYearStart'],
      [{ object: 'deal', values: [{ name: 'n', fn: 'count', filter: { frob: [1] } }] }, '/values/0/filter'],
      [{ object: 'deal', rows: [{ field: 'stage' }, { field: 'stage' }], values: [{ name: 'n', fn: 'count' }] }, '/rows/1/as'],
    ];
    for (const [spec, path] of bad) {
      const e = await failure(t.tenant.reports.query(spec as ReportSpec, { access: access.get(users.boss) }));
      expect(e.code, JSON.stringify(spec)).toBe('QUERY_INVALID');
      expect(
        (e.details.problems as { path: string }[]).map((p) => p.path),
        JSON.stringify(spec),
      ).toContain(path);
    }
    expect((await failure(t.tenant.reports.query({ object: 'nope', values: [{ name: 'n', fn: 'count' }] }))).code).toBe('OBJECT_NOT_FOUND');
  });

  it('publishes reports and dashboards: checked against the model, run with dashboard filters, shown per role', async () => {
    const reports = [
      {
        name: 'funnel',
        label: { 'zh-CN': '销售漏斗' },
        object: 'deal',
        rows: [{ field: 'stage' }],
        values: [
          { name: 'n', fn: 'count' },
          { name: 'amount', fn: 'sum', field: 'amount', format: 'currency' },
        ],
        chart: { type: 'funnel' },
        dateField: 'closed_on',
      },
      {
        name: 'by_region',
        object: 'deal',
        rows: [{ field: 'account.region' }],
        columns: [{ field: 'closed_on', bucket: 'quarter', as: 'q' }],
        values: [{ name: 'n', fn: 'count' }],
        chart: { type: 'bar', stacked: true },
      },
      { name: 'costs', object: 'deal', values: [{ name: 'c', fn: 'sum', field: 'cost' }], chart: { type: 'kpi' } },
    ];
    const dashboards = [
      {
        name: 'director',
        label: '销售总监',
        roles: ['boss', 'manager'],
        home: true,
        filters: ['period', 'owner', 'department'],
        widgets: [
          { id: 'w1', report: 'funnel', x: 0, y: 0, w: 6, h: 4 },
          { id: 'w2', report: 'costs', x: 6, y: 0, w: 6, h: 2 },
        ],
      },
      {
        name: 'mine',
        label: '我的业绩',
        roles: ['rep'],
        widgets: [
          { id: 'w1', report: 'funnel', x: 0, y: 0, w: 12, h: 4 },
          { id: 'w2', report: 'costs', x: 0, y: 4, w: 4, h: 2 },
        ],
      },
    ];
    // a report naming a field that does not exist, or summing text, is refused at publish with its place
    const bad = await failure(
      t.tenant.schema.publish({
        ...app,
        reports: [...reports, { name: 'broken', object: 'deal', rows: [{ field: 'account.nope' }], values: [{ name: 's', fn: 'sum', field: 'title' }] }],
      }),
    );
    expect(bad.code).toBe('METADATA_INVALID');
    expect((bad.details.problems as { path: string }[]).map((p) => p.path).sort()).toEqual(['/reports/3/rows/0/field', '/reports/3/values/0/field']);
    const badBoard = await failure(
      t.tenant.schema.publish({ ...app, reports, dashboards: [{ name: 'x', widgets: [{ id: 'a', report: 'missing', x: 10, y: 0, w: 4, h: 1 }] }] }),
    );
    expect((badBoard.details.problems as { path: string }[]).map((p) => p.path).sort()).toEqual([
      '/dashboards/0/widgets/0/report',
      '/dashboards/0/widgets/0/w',
    ]);
    expect(await t.tenant.schema.current()).not.toHaveProperty('reports.0');

    // reports and dashboards change no table, yet the plan says what publishing them changes
    const plan = await t.tenant.schema.plan({ ...app, reports, dashboards });
    expect(plan.steps.map((s) => s.description['zh-CN'])).toEqual([
      '新增报表「销售漏斗」',
      '新增报表「by_region」',
      '新增报表「costs」',
      '新增仪表盘「销售总监」',
      '新增仪表盘「我的业绩」',
    ]);
    await t.tenant.schema.publish({ ...app, reports, dashboards });
    const boss = { access: access.get(users.boss) };
    const rep = { access: access.get(users.rep1) };
    expect((await t.tenant.reports.dashboards(boss)).map((d) => d.name)).toEqual(['director']);
    expect((await t.tenant.reports.dashboards(rep)).map((d) => d.name)).toEqual(['mine']);
    expect((await t.tenant.reports.dashboards({ access: access.get(users.blind) })).map((d) => d.name)).toEqual([]);
    expect((await failure(t.tenant.reports.dashboard('director', rep))).code).toBe('DASHBOARD_NOT_FOUND');
    const mine = await t.tenant.reports.dashboard('mine', rep);
    expect(mine.reports.map((r) => r.name).sort()).toEqual(['costs', 'funnel']);
    // the rep may not read cost: the widget is there, and running it is refused
    expect((await failure(t.tenant.reports.run('costs', {}, rep))).code).toBe('FIELD_FORBIDDEN');

    // dashboard filters: a period over the report's date field, an owner, a department and below
    const deals = await listed('deal', access.get(users.boss) as UserAccess);
    const count = (pred: (d: RecordData) => boolean) => deals.filter(pred).length;
    const total = async (filters: object) => ((await t.tenant.reports.run('funnel', filters, boss)).rows as { n: number }[]).reduce((a, r) => a + r.n, 0);
    expect(await total({})).toBe(deals.length);
    expect(await total({ period: { from: '2025-01-01', to: '2025-07-01' } })).toBe(
      count((d) => !!d.closed_on && (d.closed_on as string) >= '2025-01-01' && (d.closed_on as string) < '2025-07-01'),
    );
    expect(await total({ owner: users.rep3 })).toBe(count((d) => d.owner_id === users.rep3));
    const salesTeam = new Set([users.mgr, users.rep1, users.rep2, users.rep3]);
    expect(await total({ department: dept.sales })).toBe(count((d) => salesTeam.has(d.owner_id as string)));
    expect(await total({ department: dept.east })).toBe(count((d) => d.owner_id === users.rep1 || d.owner_id === users.rep2));
    const e = await failure(t.tenant.reports.run('funnel', { period: { from: '2025-13-01' } }, boss));
    expect(e).toMatchObject({ code: 'QUERY_INVALID', details: { problems: [{ path: '/filters/period/from' }] } });
    expect((await failure(t.tenant.reports.run('nope', {}, boss))).code).toBe('REPORT_NOT_FOUND');
    // drilling a published report's cell with the same filters lists what it counted
    const east = await t.tenant.reports.run('funnel', { department: dept.east }, boss);
    const won = east.rows.find((r) => r.stage === 'won');
    const list = await t.tenant.reports.drillReport('funnel', { department: dept.east }, { cell: { stage: 'won' }, limit: 1000 }, boss);
    expect(list.records).toHaveLength((won?.n as number | undefined) ?? 0);
  });

  it('totals a pivot both ways: row subtotals, column totals and the grand total equal sums over the listed records', async () => {
    for (const member of [users.boss, users.rep1]) {
      const as = { access: access.get(member) };
      const deals = await listed('deal', access.get(member) as UserAccess);
      const visible = new Map((await listed('account', access.get(member) as UserAccess)).map((a) => [a.id as string, a]));
      const regionOf = (d: RecordData) => (visible.get(d.account as string)?.region as string | undefined) ?? null;
      const spec: ReportSpec = {
        object: 'deal',
        rows: [{ field: 'account.region', as: 'region' }],
        columns: [{ field: 'stage' }],
        values: [
          { name: 'n', fn: 'count' },
          { name: 'total', fn: 'sum', field: 'amount' },
          { name: 'share', fn: 'share', of: 'n' },
        ],
        subtotals: 'both',
      };
      const r = await t.tenant.reports.query(spec, as);
      const sum = (pred: (d: RecordData) => boolean) => deals.filter(pred).reduce((a, d) => a + ((d.amount as number | null) ?? 0), 0);
      for (const row of r.rows) {
        const byRegion = !row.$subtotal;
        const byStage = !row.$colSubtotal;
        const pred = (d: RecordData) => (!byRegion || regionOf(d) === row.region) && (!byStage || (d.stage ?? null) === row.stage);
        expect(row.n).toBe(deals.filter(pred).length);
        expect(row.total).toBeCloseTo(sum(pred), 6);
        if (!byRegion) expect(row.region).toBeNull();
        if (!byStage) expect(row.stage).toBeNull();
      }
      // every region with every stage, each region's total across stages, each stage's total, and one grand total
      const regionsSeen = new Set(deals.map(regionOf));
      const stagesSeen = new Set(deals.map((d) => d.stage ?? null));
      expect(r.rows.filter((x) => x.$colSubtotal && !x.$subtotal)).toHaveLength(regionsSeen.size);
      expect(r.rows.filter((x) => x.$subtotal && !x.$colSubtotal)).toHaveLength(stagesSeen.size);
      expect(r.rows.filter((x) => x.$subtotal && x.$colSubtotal)).toHaveLength(1);
      // a region's total across the columns is its share of all the records
      for (const row of r.rows.filter((x) => x.$colSubtotal && !x.$subtotal)) expect(row.share).toBeCloseTo((row.n as number) / deals.length, 12);
      // only the columns' totals: no row subtotals
      const cols = await t.tenant.reports.query({ ...spec, subtotals: 'columns' }, as);
      expect(cols.rows.some((x) => x.$subtotal)).toBe(false);
      expect(cols.rows.filter((x) => x.$colSubtotal)).toHaveLength(regionsSeen.size);
      const rowsOnly = await t.tenant.reports.query({ ...spec, subtotals: 'rows' }, as);
      expect(rowsOnly.rows.some((x) => x.$colSubtotal)).toBe(false);
    }
    const bad = await failure(t.tenant.reports.query({ object: 'deal', values: [{ name: 'n', fn: 'count' }], subtotals: 'diagonal' as never }, {}));
    expect(bad).toMatchObject({ code: 'QUERY_INVALID', details: { problems: [{ path: '/subtotals' }] } });
  });

  it('measures days: between two dates (a sales cycle) and since a date (recency), in the tenant time zone', async () => {
    const today = shanghaiDay(new Date().toISOString()) as string;
    const days = (a: string, b: string) => Math.round((Date.parse(a) - Date.parse(b)) / 86_400_000);
    for (const member of [users.boss, users.rep1]) {
      const deals = await listed('deal', access.get(member) as UserAccess);
      const r = await t.tenant.reports.query(
        {
          object: 'deal',
          rows: [{ field: 'stage' }],
          values: [
            { name: 'cycle', fn: 'avg', field: 'closed_on', from: 'closed_at' },
            { name: 'longest', fn: 'max', field: 'closed_on', from: 'closed_at' },
            { name: 'recency', fn: 'min', field: 'closed_on', age: true },
            { name: 'won_cycle', fn: 'avg', field: 'closed_on', from: 'closed_at', filter: wonOnly },
          ],
        },
        { access: access.get(member) },
      );
      for (const row of r.rows) {
        const group = deals.filter((d) => (d.stage ?? null) === row.stage && d.closed_on);
        const cycles = group.map((d) => days(d.closed_on as string, shanghaiDay(d.closed_at as string) as string));
        const ages = group.map((d) => days(today, d.closed_on as string));
        const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
        if (cycles.length) expect(row.cycle).toBeCloseTo(mean(cycles) as number, 9);
        else expect(row.cycle).toBeNull();
        expect(row.longest).toEqual(cycles.length ? Math.max(...cycles) : null);
        expect(row.recency).toEqual(ages.length ? Math.min(...ages) : null);
        expect(row.won_cycle ?? null).toEqual(row.stage === 'won' ? row.cycle : null);
      }
    }
    const refused = async (values: unknown[], as = {}) => failure(t.tenant.reports.query({ object: 'deal', values } as ReportSpec, as));
    expect(await refused([{ name: 'x', fn: 'count', field: 'closed_on', from: 'closed_at' }])).toMatchObject({
      details: { problems: [{ path: '/values/0/fn' }] },
    });
    expect(await refused([{ name: 'x', fn: 'avg', field: 'closed_on', from: 'title' }])).toMatchObject({
      details: { problems: [{ path: '/values/0/from' }] },
    });
    expect(await refused([{ name: 'x', fn: 'avg', field: 'amount', age: true }])).toMatchObject({ details: { problems: [{ path: '/values/0/field' }] } });
    expect(await refused([{ name: 'x', fn: 'avg', field: 'closed_on', from: 'closed_at', age: true }])).toMatchObject({
      details: { problems: [{ path: '/values/0/age' }] },
    });
    expect(await refused([{ name: 'x', fn: 'count', age: true }])).toMatchObject({ details: { problems: [{ path: '/values/0/field' }] } });
    // a date the reader may not read is not measured through another one either
    const hidden = await refused([{ name: 'x', fn: 'avg', field: 'closed_at', from: 'closed_on' }], { access: access.get(users.blind) });
    expect(hidden).toMatchObject({ code: 'FIELD_FORBIDDEN', details: { problems: [{ path: '/values/0/from', field: 'closed_on' }] } });
  });

  it('cross-filters a dashboard: a clicked cell narrows the reports over its object to the records it counts, not the others', async () => {
    await t.tenant.schema.publish({
      ...app,
      reports: [
        {
          name: 'by_region',
          object: 'deal',
          // its own filter is not the cross filter: only the cell's dimension values are
          filter: { in: [{ var: 'stage' }, ['won', 'lost']] },
          rows: [{ field: 'account.region', as: 'region' }],
          columns: [{ field: 'closed_on', bucket: 'year', as: 'year' }],
          values: [{ name: 'n', fn: 'count' }],
        },
        { name: 'funnel', object: 'deal', rows: [{ field: 'stage' }], values: [{ name: 'n', fn: 'count' }] },
        { name: 'by_cost', object: 'deal', rows: [{ field: 'cost' }], values: [{ name: 'n', fn: 'count' }] },
        { name: 'accounts', object: 'account', rows: [{ field: 'region' }], values: [{ name: 'n', fn: 'count' }] },
      ],
    });
    for (const member of [users.boss, users.rep1, users.mgr]) {
      const as = { access: access.get(member) };
      const deals = await listed('deal', access.get(member) as UserAccess);
      const visible = new Map((await listed('account', access.get(member) as UserAccess)).map((a) => [a.id as string, a]));
      const regionOf = (d: RecordData) => (visible.get(d.account as string)?.region as string | undefined) ?? null;
      const funnel = async (cell: Record<string, unknown>) => t.tenant.reports.run('funnel', { cross: { report: 'by_region', cell } }, as);
      for (const region of [...regions, null]) {
        for (const year of [undefined, '2025-01-01']) {
          const cell = { region, ...(year ? { year } : {}) };
          const r = await funnel(cell);
          expect(r.crossFiltered).toBe(true);
          const kept = deals.filter((d) => regionOf(d) === region && (!year || ((d.closed_on as string | null) ?? '').startsWith('2025')));
          const byStage = new Map(r.rows.map((x) => [x.stage ?? null, x.n]));
          expect(Object.fromEntries(byStage)).toEqual(
            Object.fromEntries([...new Set(kept.map((d) => d.stage ?? null))].map((s) => [s, kept.filter((d) => (d.stage ?? null) === s).length])),
          );
          // the records behind a cross-filtered cell are the ones it counted
          const won = byStage.get('won') ?? 0;
          const list = await t.tenant.reports.drillReport('funnel', { cross: { report: 'by_region', cell } }, { cell: { stage: 'won' }, limit: 1000 }, as);
          expect(list.records).toHaveLength(won as number);
        }
      }
      // a report over another object is not narrowed, and says so
      const plain = await t.tenant.reports.run('accounts', {}, as);
      const crossed = await t.tenant.reports.run('accounts', { cross: { report: 'by_region', cell: { region: 'east' } } }, as);
      expect(crossed.crossFiltered).toBe(false);
      expect(crossed.rows).toEqual(plain.rows);
      expect(plain.crossFiltered).toBeUndefined();
    }
    const boss = { access: access.get(users.boss) };
    const rep = { access: access.get(users.rep1) };
    // filtering through a field the reader may not read is refused as grouping by it is
    expect((await failure(t.tenant.reports.run('funnel', { cross: { report: 'by_cost', cell: { cost: 10 } } }, rep))).code).toBe('FIELD_FORBIDDEN');
    const at = async (filters: object) => (await failure(t.tenant.reports.run('funnel', filters, boss))).details.problems;
    expect(await at({ cross: { report: 'by_region', cell: { nope: 1 } } })).toMatchObject([{ path: '/filters/cross/cell/nope' }]);
    expect(await at({ cross: { report: 'by_region', cell: {} } })).toMatchObject([{ path: '/filters/cross/cell' }]);
    expect(await at({ cross: { report: 'by_region', cell: { region: { a: 1 } } } })).toMatchObject([{ path: '/filters/cross/cell/region' }]);
    expect(await at({ cross: 'east' })).toMatchObject([{ path: '/filters/cross' }]);
    expect((await failure(t.tenant.reports.run('funnel', { cross: { report: 'nope', cell: { region: 'east' } } }, boss))).code).toBe('REPORT_NOT_FOUND');
  });

  it('segments accounts by RFM: recency, frequency and monetary value each against its mean over the accounts', async () => {
    const today = shanghaiDay(new Date().toISOString()) as string;
    for (const member of [users.boss, users.rep2]) {
      const deals = (await listed('deal', access.get(member) as UserAccess)).filter((d) => d.stage === 'won' && d.closed_on && d.account);
      const r = await t.tenant.reports.query(
        {
          object: 'deal',
          filter: { and: [wonOnly, { '!=': [{ var: 'closed_on' }, null] }, { '!=': [{ var: 'account' }, null] }] },
          rows: [{ field: 'account' }],
          values: [
            { name: 'recency', fn: 'min', field: 'closed_on', age: true },
            { name: 'frequency', fn: 'count' },
            { name: 'monetary', fn: 'sum', field: 'amount' },
            { name: 'segment', fn: 'rfm', of: ['recency', 'frequency', 'monetary'] },
          ],
        },
        { access: access.get(member) },
      );
      expect(r.columns.find((c) => c.key === 'segment')?.kind).toBe('rfm');
      const byAccount = new Map<string, RecordData[]>();
      for (const d of deals) byAccount.set(d.account as string, [...(byAccount.get(d.account as string) ?? []), d]);
      const figures = [...byAccount].map(([account, ds]) => ({
        account,
        recency: Math.min(...ds.map((d) => Math.round((Date.parse(today) - Date.parse(d.closed_on as string)) / 86_400_000))),
        frequency: ds.length,
        monetary: ds.reduce((a, d) => a + ((d.amount as number | null) ?? 0), 0),
      }));
      const mean = (k: 'recency' | 'frequency' | 'monetary') => figures.reduce((a, x) => a + x[k], 0) / figures.length;
      expect(r.rows).toHaveLength(figures.length);
      for (const x of figures) {
        const key = { r: x.recency < mean('recency'), f: x.frequency > mean('frequency'), m: x.monetary > mean('monetary') };
        const want = Object.entries(rfmSegments).find(([, s]) => s.r === key.r && s.f === key.f && s.m === key.m)?.[0];
        const row = r.rows.find((y) => y.account === x.account);
        expect(row, x.account).toMatchObject({ recency: x.recency, frequency: x.frequency, segment: want });
        expect(row?.monetary).toBeCloseTo(x.monetary, 6);
      }
    }
    const bad = await failure(
      t.tenant.reports.query(
        {
          object: 'deal',
          values: [
            { name: 'n', fn: 'count' },
            { name: 's', fn: 'rfm', of: ['n', 'n'] },
          ],
        } as ReportSpec,
        {},
      ),
    );
    expect(bad).toMatchObject({ code: 'QUERY_INVALID', details: { problems: [{ path: '/values/1/of' }] } });
  });

  it('compares with targets from another object: joined on the dimensions, scoped, narrowed by the period, refused where a field is hidden', async () => {
    const quota = {
      name: 'quota',
      fields: [
        { name: 'member', type: 'user' },
        { name: 'period_start', type: 'date' },
        { name: 'amount', type: 'decimal', options: { scale: 2 } },
        { name: 'secret', type: 'decimal', options: { scale: 2 } },
      ],
    };
    const vsQuota = {
      name: 'vs_quota',
      object: 'deal',
      rows: [{ field: 'owner_id' }],
      columns: [{ field: 'closed_on', bucket: 'quarter', as: 'q' }],
      values: [
        { name: 'total', fn: 'sum', field: 'amount' },
        { name: 'completion', fn: 'ratio', of: ['total', 'target'] },
      ],
      targets: {
        object: 'quota',
        match: { owner_id: 'member', q: 'period_start' },
        values: [{ name: 'target', fn: 'sum', field: 'amount' }],
        dateField: 'period_start',
      },
      dateField: 'closed_on',
    };
    await t.tenant.schema.publish({ ...app, objects: [...app.objects, quota], reports: [vsQuota] });
    await t.tenant.access.putRole('boss', { objects: { deal: { read: 'all' }, account: { read: 'all' }, quota: { read: 'all' } } });
    await t.tenant.access.putRole('rep', {
      objects: {
        deal: { read: 'own', fields: { cost: 'hidden' } },
        account: { read: 'own', fields: { rating: 'hidden' } },
        quota: { read: 'own', fields: { secret: 'hidden' } },
      },
    });
    const quarters = ['2024-01-01', '2024-04-01', '2025-01-01', '2025-04-01', '2026-01-01'];
    // targets for members with deals and for one without any (blind): a row of its own
    const members = [users.rep1, users.rep2, users.rep3, users.mgr, users.blind];
    await t.tenant.records.bulkCreate(
      'quota',
      members.flatMap((m, i) => quarters.map((q, j) => ({ member: m, owner_id: m, period_start: q, amount: 1000 * (i + 1) + 10 * j, secret: 1 }))),
    );
    const quotas = members.flatMap((m, i) => quarters.map((q, j) => ({ member: m, q, amount: 1000 * (i + 1) + 10 * j })));
    const quarterOf = (d: string | null) => (d ? bucketOf(d, 'quarter', 1) : null);
    for (const member of [users.boss, users.rep1]) {
      const as = { access: await t.tenant.access.forUser(member) };
      const run = async (filters: object) => t.tenant.reports.run('vs_quota', filters, as);
      for (const [filters, inPeriod, narrowed] of [
        [{}, () => true, false],
        [{ period: { from: '2025-01-01', to: '2025-07-01' } }, (d: string | null) => !!d && d >= '2025-01-01' && d < '2025-07-01', false],
        [{ owner: users.rep1 }, () => true, true],
      ] as [object, (d: string | null) => boolean, boolean][]) {
        const r = await run(filters);
        const deals = (await listed('deal', as.access)).filter(
          (d) => inPeriod((d.closed_on as string | null) ?? null) && (!narrowed || d.owner_id === users.rep1),
        );
        // the rep reads his own quotas only; the owner filter does not narrow targets
        const seen = quotas.filter((x) => (member === users.boss || x.member === member) && inPeriod(x.q));
        const want = new Map<string, { total: number; target: number | null }>();
        const k = (owner: unknown, q: unknown) => JSON.stringify([owner ?? null, q ?? null]);
        for (const d of deals) {
          const key = k(d.owner_id, quarterOf((d.closed_on as string | null) ?? null));
          const w = want.get(key) ?? { total: 0, target: null };
          w.total += (d.amount as number | null) ?? 0;
          want.set(key, w);
        }
        for (const x of seen) {
          const key = k(x.member, x.q);
          const w = want.get(key);
          if (w) w.target = (w.target ?? 0) + x.amount;
          else if (!narrowed) want.set(key, { total: 0, target: x.amount });
        }
        const got = new Map(r.rows.map((x) => [k(x.owner_id, x.q), x]));
        expect([...got.keys()].sort(), JSON.stringify(filters)).toEqual([...want.keys()].sort());
        for (const [key, w] of want) {
          const row = got.get(key) as Record<string, unknown>;
          expect(row.total, key).toBeCloseTo(w.total, 6);
          expect(row.target, key).toEqual(w.target);
          expect(row.completion, key).toEqual(w.target ? (row.total as number) / w.target : null);
        }
        // a target-only row names its member as any row does
        const blindRow = r.rows.find((x) => x.owner_id === users.blind);
        if (blindRow) expect(blindRow['owner_id$label']).toBe('blind');
      }
    }
    const boss = { access: await t.tenant.access.forUser(users.boss) };
    const rep = { access: await t.tenant.access.forUser(users.rep1) };
    const query = (targets: object, extra: object = {}, as: object = boss) =>
      failure(
        t.tenant.reports.query({ object: 'deal', rows: [{ field: 'owner_id' }], values: [{ name: 'n', fn: 'count' }], targets, ...extra } as ReportSpec, as),
      );
    const target = { object: 'quota', match: { owner_id: 'member' }, values: [{ name: 'target', fn: 'sum', field: 'amount' }] };
    expect(await query({ ...target, match: {} })).toMatchObject({ details: { problems: [{ path: '/targets/match' }] } });
    expect(await query({ ...target, match: { owner_id: 'member', x: 'amount' } })).toMatchObject({ details: { problems: [{ path: '/targets/match/x' }] } });
    expect(await query({ ...target, match: { owner_id: 'nope' } })).toMatchObject({ details: { problems: [{ path: '/targets/match/owner_id' }] } });
    expect(await query({ ...target, values: [{ name: 'n', fn: 'sum', field: 'amount' }] })).toMatchObject({
      details: { problems: [{ path: '/targets/values/0/name' }] },
    });
    expect(await query(target, { top: { n: 2, by: 'n' } })).toMatchObject({ details: { problems: [{ path: '/targets' }] } });
    expect(await query({ ...target, object: 'nope' })).toMatchObject({ details: { problems: [{ path: '/targets/object' }] } });
    // a target field the reader may not read, or a target object he may not read, refuses the report
    expect(await query({ ...target, values: [{ name: 'target', fn: 'sum', field: 'secret' }] }, {}, rep)).toMatchObject({
      code: 'FIELD_FORBIDDEN',
      details: { problems: [{ path: '/targets/values/0/field' }] },
    });
    const blind = await query(target, {}, { access: await t.tenant.access.forUser(users.blind) });
    expect(blind).toMatchObject({ code: 'FIELD_FORBIDDEN', details: { problems: [{ path: '/targets' }] } });
    // checked at publish too
    const bad = await failure(
      t.tenant.schema.publish({
        ...app,
        objects: [...app.objects, quota],
        reports: [{ ...vsQuota, targets: { ...vsQuota.targets, match: { owner_id: 'member' } } }],
      }),
    );
    expect(bad).toMatchObject({ code: 'METADATA_INVALID', details: { problems: [{ path: '/reports/0/targets/match' }] } });
  });
});
