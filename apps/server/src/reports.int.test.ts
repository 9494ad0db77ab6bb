import type { ObjectModel } from '@tangram/engine';
import { backends } from '@tangram/engine/testing';
import { evaluate, truthy } from '@tangram/logic';
import type { Report, ReportDimension } from '@tangram/metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrmMember, type CrmWorld, buildCrmWorld } from './testing/crm-fixture';
import { type Session, type TestServer, setupServer } from './testing/harness';

// The CRM's dashboards over HTTP, against an oracle: every figure of every widget of every
// dashboard a member sees equals what this test computes itself from the records that member
// lists through the API (GET …/records, page by page), the records their lookups point at and the
// organisation — with the JavaScript rule evaluator for filters, not the SQL the reports compile to.
// It runs for the admin and for members with narrower scopes (own, department and below), and with
// dashboard filters (a period, an owner, a department).

type Row = Record<string, unknown>;
const tz = 8 * 3_600_000; // Asia/Shanghai, the server's default time zone (no daylight saving)

describe.each(await backends())('CRM dashboards over HTTP on %s', (backend) => {
  let s: TestServer;
  let w: CrmWorld;
  const who: Record<string, Session> = {};
  beforeAll(async () => {
    s = await setupServer(backend);
    w = await buildCrmWorld(s);
    Object.assign(who, w.sessions, { admin: w.admin });
    // records the members own, so their scoped figures are not empty
    for (const owner of ['rep_east', 'rep_south', 'manager'] as CrmMember[])
      for (const object of ['opportunity', 'contract', 'receivable_plan', 'lead', 'account']) for (let i = 0; i < 2; i++) await w.freshRecordOf(object, owner);
    // rep_east's contract with an account of rep_south's, which rep_east may not read: its region is not his to see
    const input = (await w.inputFor('contract', 'admin', undefined, 'rep_east')) as Record<string, unknown>;
    await w.tenant.records.create(
      'contract',
      { ...input, account: await w.recordOf('account', 'rep_south'), status: 'active', owner_id: w.ids.rep_east },
      { actor: w.adminId },
    );
    // yearly won-amount targets per person (个人目标达成): for a rep and the manager, and for finance, who wins nothing
    for (const [member, value] of [
      ['rep_east', 500_000],
      ['manager', 900_000],
      ['finance', 100_000],
    ] as [CrmMember, number][]) {
      const base = (await w.inputFor('sales_target', 'admin')) as Record<string, unknown>;
      await w.tenant.records.create(
        'sales_target',
        {
          ...base,
          target_type: 'user',
          metric: 'won_amount',
          period_type: 'year',
          period: 'FY',
          member: w.ids[member],
          department: null,
          target_value: value,
          period_start: '2026-01-01T00:00:00.000Z',
          period_end: '2027-01-01T00:00:00.000Z',
        },
        { actor: w.adminId },
      );
    }
  }, 300_000);
  afterAll(() => s?.close());

  const get = async (as: string, url: string) => {
    const res = await s.as(who[as] as Session, { method: 'GET', url: `${w.base}${url}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const post = async (as: string, url: string, payload: unknown) =>
    s.as(who[as] as Session, { method: 'POST', url: `${w.base}${url}`, payload: payload as object });

  const listings = new Map<string, Promise<Row[]>>();
  /** Every record of an object the member can list over HTTP. */
  function listed(as: string, object: string): Promise<Row[]> {
    const key = `${as}:${object}`;
    let p = listings.get(key);
    if (!p) {
      p = (async () => {
        const out: Row[] = [];
        let after = '';
        do {
          const res = await s.as(who[as] as Session, {
            method: 'GET',
            url: `${w.base}/objects/${object}/records?limit=1000${after ? `&after=${encodeURIComponent(after)}` : ''}`,
          });
          if (res.statusCode === 403) return [];
          expect(res.statusCode, res.body).toBe(200);
          const page = res.json() as { records: Row[]; nextCursor: string | null };
          out.push(...page.records);
          after = page.nextCursor ?? '';
        } while (after);
        return out;
      })();
      listings.set(key, p);
    }
    return p;
  }

  const primaryDepartment = new Map<string, string | null>();
  const departmentPath = new Map<string, string[]>();
  async function loadOrg() {
    if (departmentPath.size) return;
    for (const d of await w.tenant.org.departments()) departmentPath.set(d.id, d.path);
    for (const m of (await w.tenant.org.members({ limit: 500 })).members) primaryDepartment.set(m.id, m.primaryDepartmentId ?? null);
  }

  const day = (iso: string | null, datetime: boolean) =>
    !iso ? null : datetime ? new Date(Date.parse(iso) + tz).toISOString().slice(0, 10) : iso.slice(0, 10);
  function period(d: string | null, bucket: string): string | null {
    if (!d) return null;
    const [y, m] = d.split('-').map(Number) as [number, number];
    if (bucket === 'day') return d;
    if (bucket === 'month') return `${y}-${String(m).padStart(2, '0')}-01`;
    if (bucket === 'quarter') return `${y}-${String(m - ((m - 1) % 3)).padStart(2, '0')}-01`;
    if (bucket === 'year') return `${y}-01-01`;
    throw new Error(`no oracle for bucket ${bucket}`);
  }
  function age(d: string | null, bands: number[], today: string): string | null {
    if (!d) return null;
    const ago = Math.round((Date.parse(today) - Date.parse(d)) / 86_400_000);
    if (ago <= 0) return 'not_due';
    const i = bands.findIndex((b) => ago <= b);
    return i < 0 ? `>${bands.at(-1)}` : `${i ? (bands[i - 1] as number) + 1 : 1}-${bands[i]}`;
  }

  /** A dimension's value for a record, following lookups through what the member can list. */
  async function dimValue(as: string, om: ObjectModel, dim: ReportDimension, rec: Row, today: string): Promise<unknown> {
    const parts = dim.field.split('.');
    let object = om;
    let value: unknown = rec;
    for (const [i, name] of parts.entries()) {
      const last = i === parts.length - 1;
      if (value === null || value === undefined) return null;
      if (name === 'department') {
        await loadOrg();
        return primaryDepartment.get(value as string) ?? null;
      }
      const v = (value as Row)[name] ?? null;
      if (last) {
        const f = object.byName.get(name);
        const datetime = f?.field.type === 'datetime' || name === 'created_at';
        if (dim.bucket) return period(day(v as string | null, datetime), dim.bucket);
        if (dim.ageBands) return age(day(v as string | null, datetime), dim.ageBands, today);
        return v;
      }
      if (['owner_id', 'created_by', 'updated_by'].includes(name)) {
        value = v;
        continue;
      }
      const f = object.byName.get(name);
      const target = w.model.byId.get(f?.field.options.target as string) as ObjectModel;
      const targets = await listed(as, target.name);
      value = targets.find((t) => t.id === v) ?? null;
      object = target;
    }
    return null;
  }

  const matches = (filter: unknown, rec: Row, userId: string) =>
    filter === undefined || truthy(evaluate(filter as never, rec, { $user: { id: userId } } as never));

  /** One aggregate over records, as a person would compute it. */
  function measure(om: ObjectModel, m: Report['values'][number], records: Row[], userId: string): unknown {
    const rs = records.filter((r) => matches(m.filter, r, userId));
    const today = new Date(Date.now() + tz).toISOString().slice(0, 10);
    // a day-counting measure: whole days between Shanghai days (from: since another date; age: until today)
    const isInstant = (f: string) => f === 'created_at' || f === 'updated_at' || om.byName.get(f)?.field.type === 'datetime';
    const dayOf = (r: Row, f: string) => day((r[f] as string | null) ?? null, isInstant(f));
    const days = (a: string | null, b: string | null) => (a && b ? Math.round((Date.parse(a) - Date.parse(b)) / 86_400_000) : null);
    const measured = (r: Row): unknown =>
      m.from ? days(dayOf(r, m.field as string), dayOf(r, m.from)) : m.age ? days(today, dayOf(r, m.field as string)) : r[m.field as string];
    const nums = rs.map(measured).filter((x): x is number => typeof x === 'number');
    if (m.fn === 'count') return m.field ? rs.filter((r) => r[m.field as string] !== null && r[m.field as string] !== undefined).length : rs.length;
    if (m.fn === 'sum') return nums.reduce((a, b) => a + b, 0);
    if (m.fn === 'avg') return nums.length ? nums.reduce((a, b) => a + b, 0) / nums.length : null;
    if (m.fn === 'distinct') return new Set(rs.map((r) => r[m.field as string]).filter((x) => x !== null)).size;
    if (m.fn === 'min') return nums.length ? Math.min(...nums) : null;
    if (m.fn === 'max') return nums.length ? Math.max(...nums) : null;
    throw new Error(`no oracle for ${m.fn}`);
  }

  /** The report's rows, computed by the test. */
  async function oracle(as: string, userId: string, report: Report, extra: unknown[]): Promise<Map<string, Row>> {
    const om = w.model.byId.get(report.object) as ObjectModel;
    const records = (await listed(as, om.name)).filter((r) => matches(report.filter, r, userId) && extra.every((x) => matches(x, r, userId)));
    const today = new Date(Date.now() + tz).toISOString().slice(0, 10);
    const dims = [...report.rows, ...report.columns];
    const keyOf = (d: ReportDimension) => d.as ?? d.field;
    const groups = new Map<string, { values: unknown[]; records: Row[] }>();
    for (const r of records) {
      const values = await Promise.all(dims.map((d) => dimValue(as, om, d, r, today)));
      const k = JSON.stringify(values);
      const g = groups.get(k) ?? { values, records: [] };
      g.records.push(r);
      groups.set(k, g);
    }
    if (!dims.length && !groups.size) groups.set('[]', { values: [], records: [] });
    // top N: the rest is one group
    if (report.top) {
      const by = report.values.find((m) => m.name === report.top?.by);
      const measure = (rs: Row[]) => rs.filter((r) => matches(by?.filter, r, userId)).reduce((a, r) => a + ((r[by?.field as string] as number | null) ?? 0), 0);
      const firstValues = new Map<string, Row[]>();
      for (const g of groups.values()) {
        const k = JSON.stringify(g.values[0] ?? null);
        firstValues.set(k, [...(firstValues.get(k) ?? []), ...g.records]);
      }
      const ranked = [...firstValues.entries()].sort((a, b) => measure(b[1]) - measure(a[1]) || (a[0] < b[0] ? -1 : 1));
      const kept = new Set(ranked.slice(0, report.top.n).map(([k]) => k));
      const merged = new Map<string, { values: unknown[]; records: Row[] }>();
      for (const g of groups.values()) {
        const keep = kept.has(JSON.stringify(g.values[0] ?? null));
        const values = keep ? g.values : [null, ...g.values.slice(1)];
        const k = JSON.stringify([...values, !keep]);
        const m = merged.get(k) ?? { values: [...values, !keep], records: [] };
        m.records.push(...g.records);
        merged.set(k, m);
      }
      groups.clear();
      for (const [k, g] of merged) groups.set(k, g);
    }
    const out = new Map<string, Row>();
    for (const [k, g] of groups) {
      const row: Row = {};
      dims.forEach((d, i) => {
        row[keyOf(d)] = g.values[i] ?? null;
      });
      if (report.top) row.$others = g.values.at(-1);
      for (const m of report.values)
        if (!['ratio', 'share', 'cumulative', 'change', 'stepRatio', 'rfm'].includes(m.fn)) row[m.name] = measure(om, m, g.records, userId);
      out.set(k, row);
    }
    // targets: the same dimensions over the target object's records the member can list, matched field by field
    if (report.targets) {
      const tg = report.targets;
      const tom = w.model.byId.get(tg.object) as ObjectModel;
      const targets = (await listed(as, tom.name)).filter((r) => matches(tg.filter, r, userId));
      const byKey = new Map<string, Row[]>();
      for (const r of targets) {
        const values = await Promise.all(dims.map((d) => dimValue(as, tom, { ...d, field: tg.match[keyOf(d)] as string }, r, today)));
        const k = JSON.stringify(values);
        byKey.set(k, [...(byKey.get(k) ?? []), r]);
      }
      for (const row of out.values()) for (const m of tg.values) row[m.name] = null;
      for (const [k, rs] of byKey) {
        let row = out.get(k);
        if (!row) {
          const values = JSON.parse(k) as unknown[];
          row = Object.fromEntries(dims.map((d, i) => [keyOf(d), values[i] ?? null]));
          for (const m of report.values)
            if (['count', 'distinct', 'sum'].includes(m.fn)) row[m.name] = 0;
            else if (!['ratio', 'share', 'cumulative', 'change', 'stepRatio', 'rfm'].includes(m.fn)) row[m.name] = null;
          out.set(k, row);
        }
        for (const m of tg.values) row[m.name] = measure(tom, m, rs, userId);
      }
    }
    computed(report, [...out.values()]);
    return out;
  }

  /** Computed measures, done again by the test over its own rows. */
  function computed(report: Report, rows: Row[]) {
    const along = report.rows.at(-1);
    const series = new Map<string, Row[]>();
    const others = [...report.rows.slice(0, -1), ...report.columns].map((d) => d.as ?? d.field);
    for (const r of rows) {
      const k = JSON.stringify(others.map((o) => r[o]));
      series.set(k, [...(series.get(k) ?? []), r]);
    }
    const alongKey = along ? (along.as ?? along.field) : '';
    const om = w.model.byId.get(report.object) as ObjectModel;
    const options = along ? ((om.byName.get(along.field)?.field.options.options as { key: string }[] | undefined)?.map((o) => o.key) ?? null) : null;
    for (const list of series.values())
      list.sort((a, b) => {
        const x = a[alongKey];
        const y = b[alongKey];
        if (options) return (x === null ? 1e9 : options.indexOf(x as string)) - (y === null ? 1e9 : options.indexOf(y as string));
        if (x === y) return 0;
        return x === null ? 1 : y === null ? -1 : String(x) < String(y) ? -1 : 1;
      });
    const div = (a: unknown, b: unknown) => (typeof a === 'number' && typeof b === 'number' && b !== 0 ? a / b : null);
    for (const m of report.values) {
      const [a, b] = Array.isArray(m.of) ? m.of : [m.of as string];
      if (m.fn === 'ratio') for (const r of rows) r[m.name] = div(r[a as string], r[b as string]);
      if (m.fn === 'rfm') {
        // the eight RFM groups: each of recency (fewer days is better), frequency and monetary against its mean
        const [rk, fk, mk] = m.of as [string, string, string];
        const mean = (k: string) => rows.reduce((t, r) => t + (r[k] as number), 0) / rows.length;
        const names: Record<string, string> = {
          TTT: 'important_value',
          TFT: 'important_develop',
          FTT: 'important_keep',
          FFT: 'important_retain',
          TTF: 'general_value',
          TFF: 'general_develop',
          FTF: 'general_keep',
          FFF: 'general_retain',
        };
        const [mr, mf, mm] = [mean(rk), mean(fk), mean(mk)];
        const tf = (b: boolean) => (b ? 'T' : 'F');
        for (const r of rows) r[m.name] = names[`${tf((r[rk] as number) < mr)}${tf((r[fk] as number) > mf)}${tf((r[mk] as number) > mm)}`];
      }
      if (m.fn === 'share') {
        const total = rows.reduce((t, r) => t + ((r[a as string] as number) ?? 0), 0);
        for (const r of rows) r[m.name] = div(r[a as string], total);
      }
      if (m.fn === 'stepRatio')
        for (const list of series.values())
          list.forEach((r, i) => {
            r[m.name] = i ? div(r[a as string], list[i - 1]?.[a as string]) : null;
          });
      if (m.fn === 'change')
        for (const list of series.values())
          list.forEach((r, i) => {
            const p = r[alongKey] as string | null;
            const before = m.compare === 'year' ? list.find((x) => p && x[alongKey] === `${Number(p.slice(0, 4)) - 1}${p.slice(4)}`) : list[i - 1];
            const was = before?.[a as string] as number | undefined;
            r[m.name] = typeof was === 'number' && was !== 0 ? ((r[a as string] as number) - was) / Math.abs(was) : null;
          });
    }
  }

  async function check(as: string, userId: string, report: Report, filters: Record<string, unknown>, extra: unknown[]) {
    const res = await post(as, `/reports/${report.name}/run`, { filters });
    expect(res.statusCode, `${as} ${report.name}: ${res.body}`).toBe(200);
    const got = res.json() as { rows: Row[]; truncated: boolean };
    expect(got.truncated).toBe(false);
    const expected = await oracle(as, userId, report, extra);
    const keys = [...report.rows, ...report.columns].map((d) => d.as ?? d.field);
    const keyOf = (r: Row) => JSON.stringify([...keys.map((k) => r[k] ?? null), ...(report.top ? [r.$others ?? false] : [])]);
    const byKey = new Map(got.rows.map((r) => [keyOf(r), r]));
    const wantKeys = [...expected.values()].map(keyOf);
    expect([...byKey.keys()].sort(), `${as} ${report.name}`).toEqual(wantKeys.sort());
    for (const want of expected.values())
      for (const m of [...report.values, ...(report.targets?.values ?? [])]) {
        const have = byKey.get(keyOf(want))?.[m.name];
        const label = `${as} ${report.name} ${keyOf(want)} ${m.name}`;
        if (want[m.name] === null || want[m.name] === undefined) expect(have, label).toBeNull();
        else if (typeof want[m.name] === 'string') expect(have, label).toBe(want[m.name]);
        else expect(have, label).toBeCloseTo(want[m.name] as number, 6);
      }
    return got.rows.length;
  }

  it('every figure of every CRM dashboard a member sees equals an independent computation over what that member can list', async () => {
    const members: [string, string][] = [
      ['admin', w.adminId],
      ['manager', w.ids.manager],
      ['rep_east', w.ids.rep_east],
      ['rep_south', w.ids.rep_south],
      ['finance', w.ids.finance],
    ];
    const reports = new Map((w.model.app.reports ?? []).map((r) => [r.id, r]));
    let figures = 0;
    const seen = new Set<string>();
    const adminRows = new Map<string, number>();
    for (const [as, userId] of members) {
      const boards = (await get(as, '/dashboards')).items as { name: string; widgets: { report: string }[] }[];
      if (as === 'admin') expect(boards.map((b) => b.name).sort()).toEqual(['my_numbers', 'operations', 'sales_director']);
      if (as === 'rep_east') expect(boards.map((b) => b.name)).toEqual(['my_numbers']);
      if (as === 'manager') expect(boards.map((b) => b.name)).toEqual(['sales_director']);
      const onBoards = new Set<string>();
      for (const b of boards) for (const r of (await get(as, `/dashboards/${b.name}`)).reports as { id: string }[]) onBoards.add(r.id);
      // every report the member may run, on their dashboards or not (a builder can put any on one)
      const runnable = (await get(as, '/reports')).items as { id: string }[];
      for (const id of onBoards) expect(runnable.map((r) => r.id)).toContain(id);
      for (const r of runnable) {
        const report = reports.get(r.id) as Report;
        // a report over fields the member may not read is refused, never answered without them
        const res = await post(as, `/reports/${r.id}/run`, {});
        if (res.statusCode === 403) {
          expect(res.json().error.code, `${as} ${r.id}`).toBe('FIELD_FORBIDDEN');
          continue;
        }
        const n = await check(as, userId, report, {}, []);
        figures += n;
        if (as === 'admin') adminRows.set(report.name, n);
        seen.add(r.id);
      }
    }
    // every CRM report was checked by someone, and the figures were not all empty
    expect([...seen].sort()).toEqual([...reports.keys()].sort());
    expect(figures).toBeGreaterThan(40);
    // the sales cycle and the RFM groups have figures to check (won deals with a close time, signed contracts)
    expect(adminRows.get('sales_cycle')).toBeGreaterThan(0);
    expect(adminRows.get('account_rfm')).toBeGreaterThan(1);
    // the targets' rows: every won opportunity's owner, and finance with a target and nothing won
    expect(adminRows.get('target_ranking')).toBeGreaterThan(2);
  }, 600_000);

  it('dashboard filters narrow every widget: a period over its date field, an owner, a department and below', async () => {
    await loadOrg();
    const reports = (w.model.app.reports ?? []).filter((r) =>
      ['sales_funnel', 'region_quarter', 'team_ranking', 'receivable_aging', 'monthly_contracts'].includes(r.id),
    );
    const sales = [...departmentPath.entries()].find(
      ([id]) => (departmentPath.get(id) ?? []).length === 2 && [...primaryDepartment.entries()].some(([u, d]) => u === w.ids.manager && d === id),
    )?.[0];
    expect(sales).toBeDefined();
    const inSales = [...primaryDepartment.entries()].filter(([, d]) => d && (departmentPath.get(d) ?? []).includes(sales as string)).map(([u]) => u);
    for (const report of reports) {
      const dateField = report.dateField ?? 'created_at';
      // a datetime's day begins at midnight in Shanghai (UTC+8)
      const om = w.model.byId.get(report.object) as ObjectModel;
      const instant = dateField === 'created_at' || om.byName.get(dateField)?.field.type === 'datetime';
      const bound = (d: string) => (instant ? new Date(Date.parse(`${d}T00:00:00Z`) - tz).toISOString() : d);
      await check('admin', w.adminId, report, { period: { from: '2025-01-01', to: '2026-07-01' } }, [
        { '>=': [{ var: dateField }, bound('2025-01-01')] },
        { '<': [{ var: dateField }, bound('2026-07-01')] },
      ]);
      await check('manager', w.ids.manager, report, { owner: w.ids.rep_east }, [{ '==': [{ var: 'owner_id' }, w.ids.rep_east] }]);
      await check('admin', w.adminId, report, { department: sales }, [{ in: [{ var: 'owner_id' }, inSales] }]);
    }
  }, 600_000);

  it('a member cannot run a report over what they may not read, and a refusal says where', async () => {
    // the service member reads no opportunities: the funnel is not theirs, by name or ad hoc
    expect((await post('service', '/reports/sales_funnel/run', {})).statusCode).toBe(404);
    const adhoc = await post('service', '/reports/query', { object: 'opportunity', values: [{ name: 'n', fn: 'count' }] });
    expect(adhoc.statusCode).toBe(403);
    const bad = await post('admin', '/reports/query', { object: 'opportunity', rows: [{ field: 'account.nope' }], values: [{ name: 'n', fn: 'count' }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'QUERY_INVALID', details: { problems: [{ path: '/rows/0/field' }] } } });
    const shape = await post('admin', '/reports/query', { object: 'opportunity', values: [{ name: 'n', fn: 'count' }], extra: 1 });
    expect(shape.statusCode).toBe(400);
  });

  it('drills from a widget cell to exactly the records it counted, over HTTP', async () => {
    const funnel = (await (await post('rep_east', '/reports/sales_funnel/run', {})).json()) as { rows: Row[] };
    expect(funnel.rows.length).toBeGreaterThan(0);
    for (const row of funnel.rows) {
      const res = await post('rep_east', '/reports/sales_funnel/drill', { cell: { stage: row.stage }, limit: 1000 });
      expect(res.statusCode, res.body).toBe(200);
      const records = res.json().records as Row[];
      expect(records).toHaveLength(row.count as number);
      expect(records.every((r) => r.stage === row.stage && r.owner_id === w.ids.rep_east)).toBe(true);
    }
  });
});
