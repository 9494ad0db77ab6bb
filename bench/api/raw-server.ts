// The physical limit: a minimal hand-written fastify + pg server doing the same five operations on
// an identical table, with named prepared statements. No validation beyond what pg does.
import Fastify from 'fastify';
import pg from 'pg';

pg.types.setTypeParser(1700, (v) => Number(v));
pg.types.setTypeParser(20, (v) => Number(v));
const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: 10 });
const app = Fastify({ logger: false });
// The same columns Tangram returns for a record: system columns and fields.
const cols = 'id, created_at, created_by, updated_at, updated_by, owner_id, version, deleted_at, deleted_by, name, amount, stage, owner_name';

app.get('/deals/:id', async (req, reply) => {
  const r = await pool.query({
    name: 'get',
    text: `select ${cols} from raw_bench.deal where id = $1 and deleted_at is null`,
    values: [(req.params as { id: string }).id],
  });
  return r.rows[0] ?? reply.status(404).send({ error: 'not found' });
});
app.get('/deals', async (req) => {
  const q = req.query as { stage: string };
  const r = await pool.query({
    name: 'list',
    text: `select ${cols} from raw_bench.deal where stage = $1 and deleted_at is null order by amount desc, id limit 50`,
    values: [q.stage],
  });
  return { records: r.rows };
});
app.post('/deals', async (req, reply) => {
  const b = req.body as { name: string; amount: number; stage: string };
  const r = await pool.query({
    name: 'create',
    text: `insert into raw_bench.deal (id, name, amount, stage) values (gen_random_uuid(), $1, $2, $3) returning ${cols}`,
    values: [b.name, b.amount, b.stage],
  });
  return reply.status(201).send(r.rows[0]);
});
app.patch('/deals/:id', async (req, reply) => {
  const b = req.body as { amount: number };
  const version = Number(String(req.headers['if-match']).replace(/"/g, ''));
  const r = await pool.query({
    name: 'update',
    text: `update raw_bench.deal set amount = $1, version = version + 1, updated_at = now() where id = $2 and version = $3 returning ${cols}`,
    values: [b.amount, (req.params as { id: string }).id, version],
  });
  return r.rows[0] ?? reply.status(409).send({ error: 'conflict' });
});
app.get('/aggregate', async () => {
  const r = await pool.query({
    name: 'agg',
    text: 'select stage, coalesce(sum(amount), 0) as sum_amount from raw_bench.deal where deleted_at is null group by 1 order by 1',
  });
  return { rows: r.rows };
});

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('ready');
