import { Engine } from '@tangram/engine';
import { demoApp } from './demo/demo-app';
import { seedDemo } from './demo/seed';

/** Opens the database the environment names: DATABASE_URL (PostgreSQL), else PGlite in DATA_DIR (./data). */
export function engineOptionsFromEnv() {
  return process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : { dataDir: process.env.DATA_DIR ?? './data' };
}

/** Creates the demo tenant with the demo app and sample data, unless it exists; prints what is there. */
async function demo(): Promise<void> {
  const engine = await Engine.open(engineOptionsFromEnv());
  try {
    const existing = (await engine.listTenants()).find((t) => t.slug === 'demo');
    const tenant = existing ? await engine.tenant('demo') : await engine.createTenant('demo', '演示企业');
    if (!(await tenant.schema.current())) {
      const rev = await tenant.schema.publish(demoApp, { message: 'demo app' });
      console.log(`published revision ${rev.id}:`);
      for (const s of rev.steps.filter((s) => s.action.kind === 'table.create' || s.action.kind === 'column.add')) console.log(`  ${s.description['zh-CN']}`);
      console.log(`seeded ${await seedDemo(tenant)} records`);
    }
    const model = await tenant.model();
    for (const om of model.byName.values()) {
      const { records, total } = await tenant.records.query(om.name, { limit: 3, count: true, sort: [{ field: 'created_at' }] });
      console.log(`\n${om.def.label['zh-CN']} (${om.name}) — ${total} records, fields: ${om.fields.map((f) => `${f.name}:${f.field.type}`).join(', ')}`);
      for (const r of records) console.log(`  ${JSON.stringify(Object.fromEntries(Object.entries(r).filter(([k]) => !k.endsWith('_by') && k !== 'deleted_at')))}`);
    }
  } finally {
    await engine.close();
  }
}

const commands: Record<string, () => Promise<void>> = { demo };

export async function main(argv: string[]): Promise<void> {
  const [command = 'demo'] = argv;
  const run = commands[command];
  if (!run) {
    console.error(`unknown command "${command}". Commands: ${Object.keys(commands).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  await run();
}
