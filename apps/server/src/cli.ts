import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '@tangram/engine';
import { sql } from 'kysely';
import pino from 'pino';
import { build, defaultLogger, serveLogger } from './app';
import { bootstrap } from './bootstrap';
import { writePackage } from '@tangram/templates';
import { availableTemplates, templatesDir } from './templates-registry';

/**
 * Opens the database the environment names: DATABASE_URL (PostgreSQL), else PGlite in DATA_DIR
 * (./data). Uploaded files go to FILES_DIR (default DATA_DIR/files), at most
 * TANGRAM_MAX_FILE_SIZE bytes each (default 20 MB). Mail of tenants without SMTP settings goes to
 * the dev mailbox when devMailboxFromEnv says so.
 */
export function engineOptionsFromEnv() {
  const dataDir = process.env.DATA_DIR ?? './data';
  const maxFileSize = Number(process.env.TANGRAM_MAX_FILE_SIZE);
  const files = {
    filesDir: process.env.FILES_DIR || join(dataDir, 'files'),
    ...(Number.isInteger(maxFileSize) && maxFileSize > 0 ? { maxFileSize } : {}),
  };
  const mail = { mail: { devMailbox: devMailboxFromEnv(process.env) }, outbound: outboundFromEnv(process.env) };
  return process.env.DATABASE_URL ? { url: process.env.DATABASE_URL, ...files, ...mail } : { dataDir, ...files, ...mail };
}

/**
 * The installation's outbound exceptions and webhook secrets (docs/reference/outbound-http.md):
 * TANGRAM_OUTBOUND_ALLOW_HOSTS, a comma-separated list of `host` or `host:port` an operator lets
 * webhooks, robots and SMTP reach although they are internal; TANGRAM_WEBHOOK_SECRET_<NAME>, the
 * secret a webhook's `secretRef` "<name>" signs with (name in any case, `-` as `_`). An operator
 * of the installation decides both — never a tenant admin, whose rules would otherwise reach the
 * installation's own network. A malformed entry stops the start with the entry named.
 */
export function outboundFromEnv(env: NodeJS.ProcessEnv): { allowHosts: string[]; secrets: Record<string, string> } {
  const allowHosts = (env.TANGRAM_OUTBOUND_ALLOW_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  for (const h of allowHosts)
    if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(h))
      throw new Error(`TANGRAM_OUTBOUND_ALLOW_HOSTS: "${h}" is not a host or host:port (e.g. smtp.internal, 10.0.0.7:8443, [fd00::5]:443)`);
  const secrets: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    const m = /^TANGRAM_WEBHOOK_SECRET_([A-Z0-9_]+)$/i.exec(k);
    if (m?.[1] && v) secrets[m[1].toLowerCase()] = v;
  }
  return { allowHosts, secrets };
}

/**
 * Whether mail of tenants without SMTP settings is kept in the dev mailbox (docs/guides/email.md):
 * TANGRAM_MAIL=dev yes, TANGRAM_MAIL=smtp no; unset, yes on a demo server (TANGRAM_DEMO not 0)
 * unless NODE_ENV is production.
 */
export function devMailboxFromEnv(env: NodeJS.ProcessEnv): boolean {
  if (env.TANGRAM_MAIL === 'dev') return true;
  if (env.TANGRAM_MAIL === 'smtp') return false;
  return env.TANGRAM_DEMO !== '0' && env.NODE_ENV !== 'production';
}

/** A notification that could not be delivered live (its tabs were told to reload their list). */
function notificationFailed(log: Pick<pino.Logger, 'error'> | undefined, e: unknown): void {
  if (log) log.error({ err: e }, 'live notification delivery failed');
  else console.error('live notification delivery failed:', e);
}

/** Starts the API server; on first start creates the admin and the demo tenant and prints them. */
async function serve(): Promise<void> {
  // The server's log exists once the app is built; a delivery error before that goes to stderr.
  let log: Pick<pino.Logger, 'error'> | undefined;
  const engine = await Engine.open({ ...engineOptionsFromEnv(), onNotificationError: (e) => notificationFailed(log, e) });
  const boot = await bootstrap(engine, process.env, { withDemo: process.env.TANGRAM_DEMO !== '0' });
  const app = await build({ engine, logger: serveLogger(), secureCookies: process.env.TANGRAM_SECURE_COOKIES === '1' });
  log = app.log;
  // Before the process says it is up: a signal sent on reading that line finds the handler
  // (with none, SIGTERM would end the process at once, without closing the database).
  onStopSignal(async (signal) => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await engine.close(); // stops the worker first, waiting for running jobs
    process.exit(0);
  });
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  await app.listen({ port, host });
  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
  console.log(`\nTangram is running at ${url}  (database: ${engine.database.backend})`);
  console.log(`  API: ${url}/api/v1   health: ${url}/healthz`);
  console.log(
    `  admin: ${boot.admin.email}${boot.admin.password ? `  password: ${boot.admin.password}  (shown once; set TANGRAM_ADMIN_PASSWORD to choose it)` : ''}`,
  );
  console.log(`  demo tenant: ${boot.demo.tenant}${boot.demo.created ? ` (core + CRM templates, ${boot.demo.records} sample records)` : ''}`);
  if (boot.demo.members?.length) console.log(`  demo members (same password, each with a role): ${boot.demo.members.join(', ')}`);
  if (engine.mail.devMailbox)
    console.log('  mail: tenants without SMTP settings keep their mail in the dev mailbox (GET /api/v1/dev-mailbox; TANGRAM_MAIL=smtp turns it off)');
  const withWorker = process.env.TANGRAM_WORKER !== '0';
  if (withWorker) await startWorker(engine, app.log, workerPollMs(), app.busy);
  console.log(
    withWorker ? '  jobs: this process runs the worker (TANGRAM_WORKER=0 leaves it to `tangram worker`)\n' : '  jobs: no worker here (TANGRAM_WORKER=0)\n',
  );
}

/** Runs `stop` once, on the first SIGINT or SIGTERM. */
function onStopSignal(stop: (signal: string) => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void stop(signal);
    });
}

/** What the worker logs with (pino's, or anything with the same two methods). */
interface WorkerLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** The queue and hourly schedule that send records nobody followed up back to their public pools (公海). */
export const poolRecycling = { name: 'pools.recycle', queue: 'pools.recycle', cron: '0 * * * *', timeZone: 'UTC' } as const;

/**
 * The engine's own jobs, on every worker: the public-pool recycling, every hour on one worker of
 * the installation (a slot missed while no worker ran is caught up once when one starts).
 */
export async function registerWorkerJobs(engine: Engine, log: WorkerLog): Promise<void> {
  engine.jobs.register(poolRecycling.queue, async () => {
    const failed: string[] = [];
    const moved = await engine.recyclePools(engine.clock.now(), (tenant, e) => {
      failed.push(tenant);
      log.error({ err: e, tenant }, 'public pool recycling failed');
    });
    if (Object.keys(moved).length) log.info({ moved }, 'records returned to their public pools');
    return { moved, failed };
  });
  await engine.jobs.schedule({ name: poolRecycling.name, cron: poolRecycling.cron, timeZone: poolRecycling.timeZone, queue: poolRecycling.queue });
  // Automations: their queues are the engine's own; a catch-up dispatch and the time-trigger sweep each minute.
  await engine.automations.schedule();
  engine.jobs.register(retention.queue, async () => {
    const pruned = await engine.prune(engine.clock.now(), undefined, (tenant, e) => log.error({ err: e, tenant }, 'retention failed'));
    log.info(pruned, 'old jobs, events and runs deleted');
    return pruned;
  });
  await engine.jobs.schedule({ name: retention.name, cron: retention.cron, timeZone: retention.timeZone, queue: retention.queue });
}

/** The daily deletion of the engine's bookkeeping past its time (Engine.prune). */
export const retention = { name: 'maintenance.retention', queue: 'maintenance.retention', cron: '17 4 * * *', timeZone: 'UTC' } as const;

/** TANGRAM_WORKER_POLL_MS: how often an idle worker looks for due jobs (default 1000). */
function workerPollMs(): number | undefined {
  const ms = Number(process.env.TANGRAM_WORKER_POLL_MS);
  return Number.isInteger(ms) && ms > 0 ? ms : undefined;
}

/** TANGRAM_WORKER_SHARE: the share of the time a serving process's worker takes while requests queue (0–1; default 0.15). */
function workerShare(): number | undefined {
  const share = Number(process.env.TANGRAM_WORKER_SHARE);
  return share > 0 && share <= 1 ? share : undefined;
}

/**
 * Registers the engine's jobs and starts the worker. In a serving process pass `foreground` (the
 * HTTP server's `busy`): jobs then wait for gaps in the request traffic (Jobs.start).
 */
export async function startWorker(engine: Engine, log: WorkerLog, pollMs?: number, foreground?: () => boolean): Promise<void> {
  await registerWorkerJobs(engine, log);
  engine.jobs.start({ pollMs, foreground, backgroundShare: workerShare(), onError: (e, where) => log.error({ err: e, ...where }, 'job error') });
  log.info({ worker: engine.jobs.worker, queues: engine.jobs.registered() }, 'worker started');
}

/**
 * `tangram worker`: runs the jobs and schedules only (no HTTP) until SIGINT or SIGTERM, then
 * stops claiming, lets running jobs finish and exits. For PostgreSQL: an embedded (PGlite)
 * database is one process's, so there the worker runs inside `tangram serve`.
 */
async function worker(): Promise<void> {
  const log = pino(defaultLogger as pino.LoggerOptions);
  const engine = await Engine.open({ ...engineOptionsFromEnv(), onNotificationError: (e) => notificationFailed(log, e) });
  // The jobs' timers do not keep the process alive; this does, until a signal.
  const alive = setInterval(() => {}, 1 << 30);
  onStopSignal(async (signal) => {
    log.info({ signal }, 'worker stopping: waiting for running jobs');
    await engine.close();
    clearInterval(alive);
    log.info({}, 'worker stopped');
    process.exit(0);
  });
  await startWorker(engine, log, workerPollMs());
  console.log(`Tangram worker running (database: ${engine.database.backend}); stop it with Ctrl-C or SIGTERM`);
}

/** Prints the demo tenant's objects and a few records (creating them first if needed). */
async function demo(): Promise<void> {
  const engine = await Engine.open(engineOptionsFromEnv());
  try {
    await bootstrap(engine, { ...process.env, TANGRAM_ADMIN_PASSWORD: process.env.TANGRAM_ADMIN_PASSWORD ?? 'tangram-demo' });
    const tenant = await engine.tenant('demo');
    const model = await tenant.model();
    for (const om of model.byName.values()) {
      const { records, total } = await tenant.records.query(om.name, { limit: 3, count: true, sort: [{ field: 'created_at' }] });
      console.log(`\n${om.def.label['zh-CN']} (${om.name}) — ${total} records; fields: ${om.fields.map((f) => `${f.name}:${f.field.type}`).join(', ')}`);
      for (const r of records)
        console.log(`  ${JSON.stringify(Object.fromEntries(Object.entries(r).filter(([k]) => !k.endsWith('_by') && k !== 'deleted_at')))}`);
    }
  } finally {
    await engine.close();
  }
}

/** Runs `fn` with an open engine, closing it afterwards. */
async function withEngine(fn: (engine: Engine) => Promise<void>): Promise<void> {
  const engine = await Engine.open(engineOptionsFromEnv());
  try {
    await fn(engine);
  } finally {
    await engine.close();
  }
}

function flags(args: string[]): { positional: string[]; named: Record<string, string> } {
  const positional: string[] = [];
  const named: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a.startsWith('--')) named[a.slice(2)] = args[i + 1] && !args[i + 1]?.startsWith('--') ? (args[++i] as string) : 'true';
    else positional.push(a);
  }
  return { positional, named };
}

function need(value: string | undefined, what: string): string {
  if (!value) throw new Error(`missing ${what}`);
  return value;
}

/** `tangram migrate`: creates or updates the platform schema and every tenant's system tables. */
const migrate = () => withEngine(async (engine) => console.log(`platform schema and ${await engine.migrate()} tenant(s) are up to date`));

/** `tangram tenant create <slug> [--name N] [--admin email]` and `tangram tenant list`. */
const tenant = (args: string[]) =>
  withEngine(async (engine) => {
    const { positional, named } = flags(args);
    if (positional[0] === 'list') {
      for (const t of await engine.listTenants()) console.log(`${t.slug}\t${t.name}\t${t.schema}`);
      return;
    }
    if (positional[0] !== 'create') throw new Error('usage: tangram tenant create <slug> [--name N] [--admin email] | tenant list');
    const t = await engine.createTenant(need(positional[1], 'slug'), named.name);
    if (named.admin) {
      const user = await engine.identity.findUserByEmail(named.admin);
      if (!user) throw new Error(`no user ${named.admin}`);
      await engine.identity.addMember(t.tenant, user, 'admin');
    }
    console.log(`tenant ${t.tenant.slug} created (schema ${t.tenant.schema})`);
  });

/** `tangram user create <email> --name N [--password P] [--platform-admin] [--tenant slug --role admin|member]`, `user reset-password <email> [--password P]`. */
const user = (args: string[]) =>
  withEngine(async (engine) => {
    const { positional, named } = flags(args);
    const email = need(positional[1], 'email');
    const password = named.password ?? randomBytes(9).toString('base64url');
    if (positional[0] === 'create') {
      const u = await engine.identity.createUser({ email, name: named.name ?? email, password, platformAdmin: named['platform-admin'] === 'true' });
      if (named.tenant) await engine.identity.addMember((await engine.tenant(named.tenant)).tenant, u, named.role === 'admin' ? 'admin' : 'member');
      console.log(`user ${u.email} created${named.password ? '' : `, password: ${password}`}`);
    } else if (positional[0] === 'reset-password') {
      await engine.identity.setPassword(email, password);
      console.log(`password of ${email} reset${named.password ? '' : ` to: ${password}`}`);
    } else throw new Error('usage: tangram user create <email> … | user reset-password <email> [--password P]');
  });

/** `tangram app import <file.json> --tenant slug [--message M] [--dry-run]`, `app export --tenant slug [--out file.json]`. */
const appCommand = (args: string[]) =>
  withEngine(async (engine) => {
    const { positional, named } = flags(args);
    const t = await engine.tenant(need(named.tenant, '--tenant'));
    if (positional[0] === 'import') {
      const input = JSON.parse(readFileSync(need(positional[1], 'file'), 'utf8'));
      const plan = await t.schema.plan(input);
      for (const step of plan.steps)
        console.log(`${step.destructive ? '!' : ' '} ${step.description['zh-CN']}${step.failingRows ? `  (${step.failingRows} rows would not convert)` : ''}`);
      if (named['dry-run'] === 'true') return;
      const rev = await t.schema.publish(input, { message: named.message ?? `import ${positional[1]}` });
      console.log(`published revision ${rev.id}`);
    } else if (positional[0] === 'export') {
      const current = await t.schema.current();
      const out = JSON.stringify(current ?? { objects: [] }, null, 2);
      if (named.out) writeFileSync(named.out, `${out}\n`);
      else console.log(out);
    } else throw new Error('usage: tangram app import <file.json> --tenant slug | app export --tenant slug [--out file]');
  });

/**
 * `tangram template list`, `template install <name> --tenant slug [--sample-data] [--on-conflict keep-mine|take-theirs]`,
 * `template export <name> --tenant slug --out dir`.
 */
const templateCommand = (args: string[]) =>
  withEngine(async (engine) => {
    const { positional, named } = flags(args);
    const available = availableTemplates(named.dir ?? templatesDir());
    if (positional[0] === 'list') {
      for (const p of available.values())
        console.log(
          `${p.manifest.name}@${p.manifest.version}${
            Object.keys(p.manifest.dependencies ?? {}).length
              ? `  (needs ${Object.entries(p.manifest.dependencies ?? {})
                  .map(([n, r]) => `${n} ${r}`)
                  .join(', ')})`
              : ''
          }`,
        );
      return;
    }
    const t = await engine.tenant(need(named.tenant, '--tenant'));
    const name = need(positional[1], 'template name');
    if (positional[0] === 'install') {
      const started = Date.now();
      const r = await t.templates.install(name, (n) => available.get(n), {
        sampleData: named['sample-data'] === 'true',
        onConflict: (named['on-conflict'] as 'keep-mine' | 'take-theirs' | undefined) ?? 'fail',
      });
      for (const p of r.installed) console.log(`${p.from ? `upgraded ${p.name} ${p.from} →` : `installed ${p.name}`} ${p.version}`);
      for (const n of r.unchanged) console.log(`${n} already installed at that version`);
      if (r.revision) console.log(`revision ${r.revision}: ${r.steps.length} schema steps, ${r.records} sample records, ${Date.now() - started} ms`);
      for (const c of r.conflicts) console.log(`conflict kept as ${named['on-conflict']}: ${c.path}`);
    } else if (positional[0] === 'export') {
      writePackage(need(named.out, '--out'), await t.templates.export(name));
      console.log(`exported ${name} to ${named.out}`);
    } else
      throw new Error('usage: tangram template list | template install <name> --tenant slug [--sample-data] | template export <name> --tenant slug --out dir');
  });

/** `tangram doctor`: checks the database is reachable and the configuration is sane. */
async function doctor(): Promise<void> {
  const checks: [string, () => Promise<string>][] = [
    [
      'node',
      async () => {
        if (Number(process.versions.node.split('.')[0]) < 20) throw new Error(`Node ${process.versions.node} < 20`);
        return process.versions.node;
      },
    ],
    [
      'database',
      async () =>
        withEngine(async (engine) => {
          await sql`select 1`.execute(engine.db);
        }).then(() => (process.env.DATABASE_URL ? 'PostgreSQL reachable' : `PGlite in ${process.env.DATA_DIR ?? './data'}`)),
    ],
    [
      'port',
      async () => {
        const p = Number(process.env.PORT ?? 3000);
        if (!Number.isInteger(p) || p < 1 || p > 65535) throw new Error(`PORT=${process.env.PORT} is not a port`);
        return String(p);
      },
    ],
  ];
  let failed = 0;
  for (const [name, check] of checks) {
    try {
      console.log(`ok    ${name}: ${await check()}`);
    } catch (e) {
      failed++;
      console.log(`FAIL  ${name}: ${e instanceof Error ? e.message : e}`);
    }
  }
  if (failed) process.exitCode = 1;
}

const usage = `usage: tangram <command> [options]   (environment: DATABASE_URL or DATA_DIR, PORT, HOST, …)

  serve                     the API and web app, with the jobs worker (TANGRAM_WORKER=0: without it)
  worker                    only the jobs worker: queues and schedules, no HTTP (PostgreSQL), until Ctrl-C/SIGTERM
  demo                      prints the demo tenant's objects and a few records
  migrate                   brings the platform schema and every tenant's system tables up to date
  tenant create <slug> [--name N] [--admin email] | tenant list
  user create <email> --name N [--password P] [--platform-admin] [--tenant slug --role admin|member]
  user reset-password <email> [--password P]
  app import <file.json> --tenant slug [--message M] [--dry-run] | app export --tenant slug [--out file.json]
  template list | template install <name> --tenant slug [--sample-data] [--on-conflict keep-mine|take-theirs]
  template export <name> --tenant slug --out dir
  doctor                    checks the database and the configuration
  help                      this text`;

const help = async () => console.log(usage);

const commands: Record<string, (args: string[]) => Promise<void>> = {
  serve,
  worker,
  demo,
  migrate,
  tenant,
  user,
  app: appCommand,
  template: templateCommand,
  doctor,
  help,
  '--help': help,
  '-h': help,
};

export async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...args] = argv;
  const run = commands[command];
  if (!run) {
    console.error(`unknown command "${command}".\n${usage}`);
    process.exitCode = 2;
    return;
  }
  await run(args);
}
