// Part of `pnpm bench`: installs core + CRM with their sample data into a fresh tenant, on
// PostgreSQL and on PGlite, and records the time in bench/results/latest.json (template_install_ms).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Engine } from '../packages/engine/src/index';
import { loadRegistry } from '../packages/templates/src/index';
import pg from 'pg';

const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const benchUrl = baseUrl.replace(/\/[^/]*$/, '/tangram_template_bench');
const registry = loadRegistry('templates');
const target = process.env.BENCH_TEMPLATE ?? 'crm';
if (!registry.has(target)) throw new Error(`templates/${target} not found`);

async function installOnce(engine: Engine): Promise<{ ms: number; records: number; objects: number }> {
  const tenant = await engine.createTenant('bench_tpl');
  const started = performance.now();
  const r = await tenant.templates.install(target, (n) => registry.get(n), { sampleData: true });
  const ms = Math.round(performance.now() - started);
  return { ms, records: r.records, objects: (await tenant.model()).byName.size };
}

const admin = new pg.Client({ connectionString: baseUrl });
await admin.connect();
await admin.query('drop database if exists tangram_template_bench with (force)');
await admin.query('create database tangram_template_bench');
await admin.end();
const onPostgres = await Engine.open({ url: benchUrl });
const postgres = await installOnce(onPostgres);
await onPostgres.close();
const onPglite = await Engine.open({});
const pglite = await installOnce(onPglite);
await onPglite.close();
console.log(
  `template install (${target} + dependencies, ${postgres.objects} objects, ${postgres.records} sample records): postgres ${postgres.ms} ms, pglite ${pglite.ms} ms`,
);

mkdirSync('bench/results', { recursive: true });
const file = 'bench/results/latest.json';
const previous = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
previous.template_install_ms = { postgres: postgres.ms, pglite: pglite.ms, template: target, objects: postgres.objects, sample_records: postgres.records };
writeFileSync(file, `${JSON.stringify(previous, null, 2)}\n`);
console.log(`wrote ${file}`);
