// The hand-written side of bench/reports.ts: a minimal fastify + pg server answering the same three
// reports with SQL written for them (named prepared statements), on Tangram's own tables.
import Fastify from 'fastify';
import pg from 'pg';

pg.types.setTypeParser(1700, (v) => Number(v));
pg.types.setTypeParser(20, (v) => Number(v));
const { schema, tables, cols } = JSON.parse(process.env.BENCH_REPORT_SQL ?? '{}') as {
  schema: string;
  tables: Record<string, string>;
  cols: Record<string, string>;
};
const t = (name: string) => `"${schema}"."${tables[name]}"`;
const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: 10 });
const app = Fastify({ logger: false });

const statements: Record<string, string> = {
  funnel: `select o."${cols.stage}" as stage, count(*) as n, coalesce(sum(o."${cols.amount}"), 0) as amount, coalesce(sum(o."${cols.weighted}"), 0) as weighted
    from ${t('opportunity')} o where o.deleted_at is null group by 1 order by 1`,
  region_quarter: `select a."${cols.region}" as region, to_char(date_trunc('quarter', o."${cols.close}"), 'YYYY-MM-DD') as quarter, coalesce(sum(o."${cols.amount}"), 0) as amount
    from ${t('opportunity')} o left join ${t('account')} a on a.id = o."${cols.account}" and a.deleted_at is null
    where o.deleted_at is null group by 1, 2 order by 1, 2`,
  aging: `select case when d <= 0 then 'not_due' when d <= 30 then '1-30' when d <= 60 then '31-60' when d <= 90 then '61-90' when d <= 180 then '91-180' else '>180' end as age,
      coalesce(sum(u), 0) as unreceived, count(*) as n
    from (select (now() at time zone 'Asia/Shanghai')::date - p."${cols.planDate}" as d, p."${cols.unreceived}" as u
      from ${t('plan')} p where p.deleted_at is null and p."${cols.unreceived}" > 0) x
    group by 1 order by 1`,
  // The rest of the 8-widget dashboard, for its cold load written by hand too.
  win_rate: `select count(*) filter (where o."${cols.stage}" = 'won') as won, count(*) as all from ${t('opportunity')} o where o.deleted_at is null`,
  by_owner: `select o.owner_id, min(u.name) as owner, coalesce(sum(o."${cols.amount}"), 0) as amount
    from ${t('opportunity')} o left join "${schema}"."_user" u on u.id = o.owner_id where o.deleted_at is null group by 1 order by 3 desc`,
  monthly: `select to_char(date_trunc('month', o."${cols.close}"), 'YYYY-MM-DD') as month, coalesce(sum(o."${cols.amount}"), 0) as amount
    from ${t('opportunity')} o where o.deleted_at is null group by 1 order by 1`,
  top_accounts: `with top_values as (select o."${cols.account}" as v from ${t('opportunity')} o where o.deleted_at is null
      group by 1 order by sum(o."${cols.amount}") desc nulls last limit 10)
    select tv.v as account, min(a."${cols.accountName}") as name, coalesce(sum(o."${cols.amount}"), 0) as amount
    from ${t('opportunity')} o left join top_values tv on tv.v = o."${cols.account}"
      left join ${t('account')} a on a.id = tv.v and a.deleted_at is null
    where o.deleted_at is null group by 1 order by 3 desc`,
  receivables: `select coalesce(sum(p."${cols.unreceived}"), 0) as unreceived, count(*) as n from ${t('plan')} p where p.deleted_at is null`,
};

for (const [name, text] of Object.entries(statements))
  app.post(`/${name}`, async () => {
    const r = await pool.query({ name, text });
    return { rows: r.rows };
  });

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.error('ready');
process.on('SIGINT', () => void pool.end().finally(() => process.exit(0)));
