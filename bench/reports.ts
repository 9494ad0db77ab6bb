/**
 * Reports over 1,000,000 opportunities (issue 16): Tangram's published reports through its HTTP
 * API, as `tangram serve` runs it, against a minimal fastify + pg server running hand-written SQL
 * for the same answer, on the same tables, alternating. Scenarios: the funnel (stage: count, sum,
 * weighted sum), region × quarter (a lookup to the account's region, the close date by quarter)
 * and receivable aging (1,000,000 receivable plans in age bands). Goal: ratio (Tangram's rate over
 * the hand-written server's) ≥ 0.9 each. Then an 8-widget dashboard, its widgets requested at once
 * as the web app does: `dashboard_p95_ms` over 20 loads with nothing changed in between (served by
 * the report cache), `dashboard_cold_p95_ms` over 10 loads each after a commit (computed); goal ≤ 1 s;
 * `dashboard_raw_cold_p95_ms` the same 8 widgets from the hand-written server (the machine's floor).
 * Writes `scenarios.report_funnel`, `report_region_quarter`, `report_aging` and `dashboard_p95_ms`
 * into bench/results/latest.json.
 * Run: pnpm exec tsx bench/reports.ts   (PostgreSQL at DATABASE_URL or 127.0.0.1:5432)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import pg from 'pg';
import { Engine } from '../packages/engine/src/index';
import { baseUrl, benchUrl } from './api/setup';

const rows = Number(process.env.BENCH_REPORT_ROWS ?? 1_000_000);
const duration = Number(process.env.BENCH_SECONDS ?? 8);
const connections = 2;
const slug = 'bench_reports';
const schema = `tenant_${slug}`;
const regions = ['east', 'north', 'south', 'west', 'central', 'northeast', 'northwest', 'southwest'];
const stages = ['initial', 'needs', 'proposal', 'quote', 'negotiation', 'won', 'lost'];

const app = {
  objects: [
    {
      name: 'account',
      fields: [
        { name: 'name', type: 'text' },
        { name: 'region', type: 'select', options: { options: regions.map((key) => ({ key })) } },
      ],
    },
    {
      name: 'opportunity',
      fields: [
        { name: 'name', type: 'text' },
        { name: 'account', type: 'lookup', options: { target: 'account' } },
        { name: 'stage', type: 'select', options: { options: stages.map((key) => ({ key })) } },
        { name: 'amount', type: 'currency' },
        { name: 'probability', type: 'integer' },
        { name: 'weighted_amount', type: 'currency' },
        { name: 'close_date', type: 'date' },
      ],
    },
    {
      name: 'receivable_plan',
      fields: [
        { name: 'name', type: 'text' },
        { name: 'plan_date', type: 'date' },
        { name: 'unreceived', type: 'currency' },
      ],
    },
  ],
  reports: [
    {
      name: 'funnel',
      object: 'opportunity',
      rows: [{ field: 'stage' }],
      values: [
        { name: 'n', fn: 'count' },
        { name: 'amount', fn: 'sum', field: 'amount' },
        { name: 'weighted', fn: 'sum', field: 'weighted_amount' },
      ],
      chart: { type: 'funnel' },
    },
    {
      name: 'region_quarter',
      object: 'opportunity',
      rows: [{ field: 'account.region' }],
      columns: [{ field: 'close_date', bucket: 'quarter', as: 'quarter' }],
      values: [{ name: 'amount', fn: 'sum', field: 'amount' }],
      chart: { type: 'bar', stacked: true },
    },
    {
      name: 'aging',
      object: 'receivable_plan',
      filter: { '>': [{ var: 'unreceived' }, 0] },
      rows: [{ field: 'plan_date', ageBands: [30, 60, 90, 180], as: 'age' }],
      values: [
        { name: 'unreceived', fn: 'sum', field: 'unreceived' },
        { name: 'n', fn: 'count' },
      ],
      chart: { type: 'column' },
    },
    {
      name: 'win_rate',
      object: 'opportunity',
      values: [
        { name: 'won', fn: 'count', filter: { '==': [{ var: 'stage' }, 'won'] } },
        { name: 'all', fn: 'count' },
        { name: 'rate', fn: 'ratio', of: ['won', 'all'] },
      ],
      chart: { type: 'kpi' },
    },
    {
      name: 'by_owner',
      object: 'opportunity',
      rows: [{ field: 'owner_id' }],
      values: [{ name: 'amount', fn: 'sum', field: 'amount' }],
      sort: [{ by: 'amount', direction: 'desc' }],
      chart: { type: 'bar' },
    },
    {
      name: 'monthly',
      object: 'opportunity',
      rows: [{ field: 'close_date', bucket: 'month', as: 'month' }],
      values: [
        { name: 'amount', fn: 'sum', field: 'amount' },
        { name: 'mom', fn: 'change', of: 'amount' },
      ],
      chart: { type: 'line' },
    },
    {
      name: 'top_accounts',
      object: 'opportunity',
      rows: [{ field: 'account' }],
      values: [{ name: 'amount', fn: 'sum', field: 'amount' }],
      top: { n: 10, by: 'amount' },
      chart: { type: 'bar' },
    },
    {
      name: 'receivables',
      object: 'receivable_plan',
      values: [
        { name: 'unreceived', fn: 'sum', field: 'unreceived' },
        { name: 'n', fn: 'count' },
      ],
      chart: { type: 'kpi' },
    },
  ],
};

const tsx = 'node_modules/tsx/dist/cli.mjs';
function start(file: string, port: number, env: Record<string, string>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsx, file], {
      env: { ...process.env, ...env, PORT: String(port), BENCH_DATABASE_URL: benchUrl },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (d: Buffer) => (d.toString().includes('ready') ? resolve(child) : process.stderr.write(d)));
    child.on('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
}

async function rate(url: string, path: string, headers: Record<string, string>): Promise<{ rps: number; p99: number; errors: number }> {
  const r = await autocannon({
    url: `${url}${path}`,
    method: 'POST',
    body: '{}',
    connections,
    duration,
    headers: { 'content-type': 'application/json', ...headers },
  });
  return { rps: Number((r['2xx'] / r.duration).toFixed(2)), p99: r.latency.p99, errors: r.errors + r.non2xx };
}

async function ensureData(): Promise<{ token: string }> {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  const exists = await admin.query(`select 1 from pg_database where datname = 'tangram_bench'`);
  if (!exists.rowCount) await admin.query('create database tangram_bench');
  await admin.end();
  const engine = await Engine.open({ url: benchUrl });
  try {
    const found = await engine.db.withSchema('platform').selectFrom('tenant').select('id').where('slug', '=', slug).executeTakeFirst();
    if (found) {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(engine.db);
      await engine.db.withSchema('platform').deleteFrom('tenant').where('slug', '=', slug).execute();
    }
    const tenant = await engine.createTenant(slug);
    await tenant.schema.publish(app);
    const email = `${slug}@tangram.local`;
    const user = (await engine.identity.findUserByEmail(email)) ?? (await engine.identity.createUser({ email, name: 'bench', password: 'bench-password' }));
    await engine.identity.addMember(tenant.tenant, user, 'admin');
    const { token } = await engine.identity.createToken(user, tenant.tenant, 'bench reports');
    const model = await tenant.model();
    const col = (object: string, field: string) => sql.id(model.byName.get(object)?.byName.get(field)?.column as string);
    const t = (object: string) => sql.id(schema, model.byName.get(object)?.table as string);
    const owners = Array.from({ length: 50 }, () => crypto.randomUUID());
    for (const [i, id] of owners.entries())
      await engine.db
        .withSchema(schema)
        .insertInto('_user')
        .values({ id, name: `销售 ${i}` })
        .execute();
    const loaded = performance.now();
    await sql`insert into ${t('account')} (id, created_at, updated_at, version, ${col('account', 'name')}, ${col('account', 'region')})
      select ('00000000-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, now(), now(), 1, '客户 ' || g, (${regions}::text[])[1 + g % ${regions.length}]
      from generate_series(1, 20000) g`.execute(engine.db);
    await sql`insert into ${t('opportunity')} (id, created_at, updated_at, version, owner_id, ${col('opportunity', 'name')}, ${col('opportunity', 'account')},
        ${col('opportunity', 'stage')}, ${col('opportunity', 'amount')}, ${col('opportunity', 'probability')}, ${col('opportunity', 'weighted_amount')}, ${col('opportunity', 'close_date')})
      select gen_random_uuid(), now(), now(), 1, (${owners}::uuid[])[1 + g % 50], '商机 ' || g,
        ('00000000-0000-7000-8000-' || lpad(to_hex(1 + g % 20000), 12, '0'))::uuid,
        (${stages}::text[])[1 + g % ${stages.length}], round((random() * 1000000)::numeric, 2), (g % 10) * 10,
        round((random() * 100000)::numeric, 2), date '2024-01-01' + (g % 1000)
      from generate_series(1, ${rows}::int) g`.execute(engine.db);
    await sql`insert into ${t('receivable_plan')} (id, created_at, updated_at, version, ${col('receivable_plan', 'name')}, ${col('receivable_plan', 'plan_date')}, ${col('receivable_plan', 'unreceived')})
      select gen_random_uuid(), now(), now(), 1, '回款 ' || g, current_date - (g % 400) + 30, case when g % 4 = 0 then 0 else round((random() * 50000)::numeric, 2) end
      from generate_series(1, ${rows}::int) g`.execute(engine.db);
    for (const o of ['account', 'opportunity', 'receivable_plan']) await sql`vacuum analyze ${t(o)}`.execute(engine.db);
    console.error(`loaded 20,000 accounts, ${rows} opportunities and ${rows} receivable plans in ${Math.round(performance.now() - loaded)} ms`);
    const tables = {
      opportunity: model.byName.get('opportunity')?.table,
      account: model.byName.get('account')?.table,
      plan: model.byName.get('receivable_plan')?.table,
    };
    const cols = {
      stage: model.byName.get('opportunity')?.byName.get('stage')?.column,
      amount: model.byName.get('opportunity')?.byName.get('amount')?.column,
      weighted: model.byName.get('opportunity')?.byName.get('weighted_amount')?.column,
      close: model.byName.get('opportunity')?.byName.get('close_date')?.column,
      account: model.byName.get('opportunity')?.byName.get('account')?.column,
      region: model.byName.get('account')?.byName.get('region')?.column,
      accountName: model.byName.get('account')?.byName.get('name')?.column,
      planDate: model.byName.get('receivable_plan')?.byName.get('plan_date')?.column,
      unreceived: model.byName.get('receivable_plan')?.byName.get('unreceived')?.column,
    };
    process.env.BENCH_REPORT_SQL = JSON.stringify({ schema, tables, cols });
    return { token };
  } finally {
    await engine.close();
  }
}

const { token } = await ensureData();
const auth = { authorization: `Bearer ${token}` };
const tangram = await start('bench/api/tangram-server.ts', 3201, {});
const raw = await start('bench/reports-raw-server.ts', 3202, {});
const results: Record<string, unknown> = {};
try {
  const T = 'http://127.0.0.1:3201';
  const R = 'http://127.0.0.1:3202';
  const tangramPath = (r: string) => `/api/v1/t/${slug}/reports/${r}/run`;
  // Both answers are the same figures: checked before anything is timed.
  for (const r of ['funnel', 'region_quarter', 'aging']) {
    const a = (await (
      await fetch(`${T}${tangramPath(r)}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' })
    ).json()) as { rows: Record<string, unknown>[] };
    const b = (await (await fetch(`${R}/${r}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as {
      rows: Record<string, unknown>[];
    };
    const norm = (rows: Record<string, unknown>[]) =>
      JSON.stringify(
        rows
          .map((x) => Object.values(x).map((v) => (typeof v === 'number' ? Math.round(v * 100) / 100 : v)))
          .map((x) => JSON.stringify(x))
          .sort(),
      );
    if (norm(a.rows) !== norm(b.rows))
      throw new Error(`${r}: Tangram and the hand-written SQL disagree:\n${JSON.stringify(a.rows).slice(0, 500)}\n${JSON.stringify(b.rows).slice(0, 500)}`);
  }
  // The hand-written server computes every request; so must Tangram: a commit every 20 ms moves
  // the database snapshot, so the report cache never answers during these runs.
  const ticker = new pg.Client({ connectionString: benchUrl });
  await ticker.connect();
  let ticking = true;
  const ticks = (async () => {
    while (ticking) {
      await ticker.query(`update "${schema}"."_user" set name = name where id = (select id from "${schema}"."_user" limit 1)`);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  for (const r of ['funnel', 'region_quarter', 'aging']) {
    // Interleaved rounds: what else the machine does falls on both sides.
    const t: { rps: number; p99: number; errors: number }[] = [];
    const w: { rps: number; p99: number; errors: number }[] = [];
    for (let round = 0; round < 2; round++) {
      t.push(await rate(T, tangramPath(r), auth));
      w.push(await rate(R, `/${r}`, {}));
    }
    const sum = (xs: { rps: number }[]) => xs.reduce((a, x) => a + x.rps, 0);
    results[`report_${r}`] = {
      tangram_rps: Number((sum(t) / t.length).toFixed(2)),
      raw_rps: Number((sum(w) / w.length).toFixed(2)),
      ratio: Number((sum(t) / sum(w)).toFixed(3)),
      tangram_p99_ms: Math.max(...t.map((x) => x.p99)),
      raw_p99_ms: Math.max(...w.map((x) => x.p99)),
      tangram_errors: t.reduce((a, x) => a + x.errors, 0),
      raw_errors: w.reduce((a, x) => a + x.errors, 0),
    };
    console.error(r, JSON.stringify(results[`report_${r}`]));
  }
  ticking = false;
  await ticks;
  await ticker.end();
  // An 8-widget dashboard: its widgets requested at once, as the web app loads them. Cold: a write
  // commits before each load (the snapshot moves, so every widget is computed); warm: opened again
  // with nothing changed (served from the report cache, as a quiet system serves it).
  const widgets = app.reports.map((r) => r.name);
  const engine = await Engine.open({ url: benchUrl });
  const loadDashboard = async (server: 'tangram' | 'raw' = 'tangram') => {
    const start = performance.now();
    const answers = await Promise.all(
      widgets.map((r) =>
        server === 'tangram'
          ? fetch(`${T}${tangramPath(r)}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' })
          : fetch(`${R}/${r}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
      ),
    );
    if (answers.some((a) => a.status !== 200)) throw new Error(`a widget failed: ${answers.map((a) => a.status)}`);
    await Promise.all(answers.map((a) => a.json()));
    return performance.now() - start;
  };
  const cold: number[] = [];
  const warm: number[] = [];
  const raw: number[] = [];
  try {
    // Cold loads alternate with the hand-written server's (the same 8 widgets as SQL written for
    // them, which never caches): what the machine can do at all for this dashboard computed.
    for (let i = 0; i < 10; i++) {
      await sql`update ${sql.id(schema, '_user')} set name = name where id = (select id from ${sql.id(schema, '_user')} limit 1)`.execute(engine.db);
      cold.push(await loadDashboard());
      raw.push(await loadDashboard('raw'));
    }
    for (let i = 0; i < 20; i++) warm.push(await loadDashboard());
  } finally {
    await engine.close();
  }
  const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1] as number;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  Object.assign(results, {
    dashboard_p95_ms: Math.round(p95(warm)),
    dashboard_cold_p95_ms: Math.round(p95(cold)),
    dashboard_cold_median_ms: Math.round(median(cold)),
    dashboard_raw_cold_p95_ms: Math.round(p95(raw)),
    dashboard_widgets: widgets.length,
    report_rows: rows,
    report_load: Math.round((loadavg()[0] ?? 0) * 10) / 10,
  });
  console.log(JSON.stringify(results, null, 2));
  const file = new URL('./results/latest.json', import.meta.url);
  const latest = JSON.parse(await readFile(file, 'utf8')) as { scenarios: Record<string, unknown> } & Record<string, unknown>;
  const {
    dashboard_p95_ms,
    dashboard_cold_p95_ms,
    dashboard_cold_median_ms,
    dashboard_raw_cold_p95_ms,
    dashboard_widgets,
    report_rows,
    report_load,
    ...scenarios
  } = results;
  await writeFile(
    file,
    `${JSON.stringify(
      {
        ...latest,
        dashboard_p95_ms,
        dashboard_cold_p95_ms,
        dashboard_cold_median_ms,
        dashboard_raw_cold_p95_ms,
        dashboard_widgets,
        report_rows,
        report_load,
        scenarios: { ...latest.scenarios, ...scenarios },
      },
      null,
      2,
    )}\n`,
  );
} finally {
  tangram.kill('SIGINT');
  raw.kill('SIGINT');
}
