/**
 * How long publishing one new nullable field takes on a 100,000-row object, on PostgreSQL and
 * on PGlite: the median of 5 publishes, each adding a new field.
 * Run: pnpm exec tsx bench/schema-publish.ts   (PostgreSQL at DATABASE_URL or 127.0.0.1:5432)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type Backend, Engine } from '../packages/engine/src/index';
import { dropSchema } from '../packages/engine/src/testing/databases';
import { insertGeneratedRows } from '../packages/engine/src/testing/generated-rows';

const rows = 100_000;
const publishes = 5;
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const baseFields = [
  { name: 'title', type: 'text' },
  { name: 'qty', type: 'integer' },
  { name: 'code', type: 'text' },
];
const app = (extra: number) => ({
  objects: [{ name: 'item', fields: [...baseFields, ...Array.from({ length: extra }, (_, i) => ({ name: `added_${i}`, type: 'text' }))] }],
});

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function measure(backend: Backend): Promise<number> {
  const engine = await Engine.open(backend === 'postgres' ? { url } : {});
  const tenant = await engine.createTenant(`bench_${randomBytes(4).toString('hex')}`);
  try {
    await tenant.schema.publish(app(0));
    await insertGeneratedRows(engine.db, tenant.tenant.schema, 'item', rows, { title: 'text', qty: 'integer', code: 'text' });
    const { total } = await tenant.records.query('item', { count: true, limit: 1 });
    if (!total || total < rows * 0.5) throw new Error(`expected ${rows} rows, the planner sees ${total}`);
    const times: number[] = [];
    for (let i = 1; i <= publishes; i++) {
      const start = performance.now();
      await tenant.schema.publish(app(i));
      times.push(performance.now() - start);
    }
    return Math.round(median(times) * 10) / 10;
  } finally {
    await dropSchema(engine.db, tenant.tenant.schema);
    await engine.db.withSchema('platform').deleteFrom('tenant').where('slug', '=', tenant.tenant.slug).execute();
    await engine.close();
  }
}

const result = { add_nullable_field_100k_ms: { postgres: await measure('postgres'), pglite: await measure('pglite') } };
console.log(JSON.stringify(result));
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(new URL('./results/schema-publish.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
