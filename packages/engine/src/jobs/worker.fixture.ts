/**
 * A worker process for the process tests (jobs-process.int.test.ts): handles one queue whose
 * effect is a row in `<EFFECTS>.effect`, written through ctx.complete, until SIGTERM.
 * Run as `node --import tsx worker.fixture.ts` with DATABASE_URL, QUEUE, EFFECTS, WORKER and
 * optionally DELAY_MS (held inside the effect's transaction), CONCURRENCY, BATCH, LEASE_MS, and
 * WAIT_FOR_GO=1 (print "ready", start on a "go" line on stdin).
 */
import { createInterface } from 'node:readline';
import { sql } from 'kysely';
import { openDatabase } from '../db/database';
import { Jobs } from './jobs';

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`worker fixture: ${name} is not set`);
  return v;
};
const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);

const worker = env('WORKER');
const effects = env('EFFECTS');
const delayMs = num('DELAY_MS', 0);
const database = await openDatabase({ url: env('DATABASE_URL'), poolSize: num('CONCURRENCY', 4) + 2 });
const jobs = new Jobs(database.db, { worker });
jobs.register(
  env('QUEUE'),
  async (job, ctx) => {
    await ctx.complete(async (trx) => {
      await sql`insert into ${sql.id(effects, 'effect')} (job_id, worker) values (${job.id}, ${worker})`.execute(trx);
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    });
  },
  { concurrency: num('CONCURRENCY', 4), batchSize: num('BATCH', 16), leaseMs: num('LEASE_MS', 60_000) },
);

// The jobs' timers do not keep a process alive; this does, until the signal.
const alive = setInterval(() => {}, 1 << 30);
process.on('SIGTERM', () => {
  void (async () => {
    await jobs.stop();
    await database.close();
    clearInterval(alive);
    process.exit(0);
  })();
});

const start = () => jobs.start({ pollMs: 100, onError: (e) => process.stderr.write(`${worker}: ${e instanceof Error ? e.message : e}\n`) });
if (process.env.WAIT_FOR_GO === '1') {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() === 'go') start();
  });
  process.stdout.write('ready\n');
} else {
  start();
  process.stdout.write('ready\n');
}
