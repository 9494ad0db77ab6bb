/**
 * A date sweep over 1,000,000 records (issue 14, goal < 1 s): an `inactivity` automation ("no
 * follow-up for 7 days, stage not won") on a 1M-row object, and one minutely sweep over it — the
 * set-based due query, served by the index publishing put on the watched column, with ~0.5% of
 * the rows coming due in the window. Writes `sweep_1m_ms` (the due query: median of 3) at the top
 * of bench/results/latest.json, beside `sweep_1m_full_ms` (a whole sweep of the automation: the
 * query, the condition on each due record, one fire row and one run job per episode, in one
 * transaction) and `sweep_1m_due` (records the query returned).
 * Run: pnpm exec tsx bench/sweep.ts   (PostgreSQL at DATABASE_URL or 127.0.0.1:5432)
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { Engine, dueQuery } from '../packages/engine/src/index';
import { ManualClock } from '../packages/engine/src/jobs/clock';
import { dropSchema } from '../packages/engine/src/testing/databases';

const rows = 1_000_000;
/** One row in `dueEvery` has its last follow-up in the window: 0.5% due. */
const dueEvery = 200;
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const day = 86_400_000;

const app = {
  objects: [
    {
      name: 'lead',
      fields: [
        { name: 'name', type: 'text' },
        { name: 'stage', type: 'select', options: { options: [{ key: 'new' }, { key: 'won' }] } },
        { name: 'last_follow_up_at', type: 'datetime' },
        { name: 'nudges', type: 'integer' },
      ],
    },
  ],
  automations: [
    {
      name: 'stale_lead',
      object: 'lead',
      trigger: { kind: 'inactivity', fields: ['last_follow_up_at'], days: 7 },
      condition: { '!=': [{ var: 'stage' }, 'won'] },
      actions: [{ id: 'add', kind: 'addScore', field: 'nudges', amount: 1 }],
    },
  ],
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const ms = (x: number) => Math.round(x * 10) / 10;

const now = new Date(Math.floor(Date.now() / 60_000) * 60_000);
const clock = new ManualClock(now);
const engine = await Engine.open({ url, clock });
const te = await engine.createTenant(`bench_sweep_${randomBytes(4).toString('hex')}`);
const schema = te.tenant.schema;
try {
  await te.schema.publish(app);
  const model = await te.model();
  const om = model.byName.get('lead');
  const a = model.app.automations.find((x) => x.name === 'stale_lead');
  if (!om || !a) throw new Error('published model lacks the lead object or its automation');
  const col = (name: string) => sql.id(om.byName.get(name)?.column as string);
  // The window of one minutely sweep: moments in (now − 1 min, now], i.e. follow-ups in (now − 7 d − 1 min, now − 7 d].
  const windowEnd = new Date(now.getTime() - 7 * day);
  const loaded = performance.now();
  await sql`insert into ${sql.id(schema, om.table)} (id, created_at, updated_at, version, ${col('name')}, ${col('stage')}, ${col('last_follow_up_at')})
    select ('00000000-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid,
      ${new Date(now.getTime() - 400 * day).toISOString()}::timestamptz,
      ${now.toISOString()}::timestamptz, 1, 'lead ' || g,
      case when g % 10 = 3 then 'won' else 'new' end,
      case when g % ${dueEvery} = 0 then ${windowEnd.toISOString()}::timestamptz - (g % 59) * interval '1 second'
        else ${windowEnd.toISOString()}::timestamptz - interval '1 hour' - (g % 365) * interval '1 day' - (g % 86400) * interval '1 second'
          + case when g % 3 = 0 then interval '8 days' else interval '0' end end
    from generate_series(1, ${rows}::int) g`.execute(engine.db);
  await sql`analyze ${sql.id(schema, om.table)}`.execute(engine.db);
  console.error(`loaded ${rows} rows in ${ms(performance.now() - loaded)} ms`);

  const w = { from: new Date(now.getTime() - 60_000), to: now };
  const q = dueQuery(schema, om, a, w, 'UTC');
  if (!q) throw new Error('no due query');
  const compiled = q.query.compile(engine.db);
  const plan = await engine.db.executeQuery<{ 'QUERY PLAN': string }>({ ...compiled, sql: `explain ${compiled.sql}` });
  const planText = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
  console.error(planText);
  const times: number[] = [];
  let due = 0;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    due = (await engine.db.executeQuery(compiled)).rows.length;
    times.push(performance.now() - start);
  }
  // A whole sweep of the automation (its watermark one minute back): query, condition, fire rows and run jobs.
  await sql`insert into ${sql.id(schema, '_automation_sweep_state')} (automation_id, swept_until) values (${a.id}, ${w.from.toISOString()})`.execute(engine.db);
  const start = performance.now();
  const swept = await engine.automations.sweeper.sweepOne(te, om, a, w);
  const full = performance.now() - start;
  const result = {
    sweep_1m_ms: ms(median(times)),
    sweep_1m_full_ms: ms(full),
    sweep_1m_due: due,
    sweep_1m_fired: swept.fired,
    sweep_1m_index_used: /Index|Bitmap/.test(planText) && !/Seq Scan/.test(planText),
    /** The machine's 1-minute load average when measured: the figures are only as quiet as the machine was. */
    sweep_1m_load: Math.round((loadavg()[0] ?? 0) * 10) / 10,
  };
  console.log(JSON.stringify(result));
  const file = new URL('./results/latest.json', import.meta.url);
  const latest = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  await writeFile(file, `${JSON.stringify({ ...latest, ...result }, null, 2)}\n`);
} finally {
  await sql`delete from platform.job where tenant_id = ${te.tenant.id}`.execute(engine.db);
  await dropSchema(engine.db, schema);
  await engine.db.withSchema('platform').deleteFrom('tenant').where('id', '=', te.tenant.id).execute();
  await engine.close();
}
