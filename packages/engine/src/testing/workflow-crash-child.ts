import { openDatabase } from '../db/database';
import { Engine } from '../engine';
import { ManualClock } from '../jobs/clock';
import { timerQueue } from '../workflows/runtime';

// The process the crash test kills (crash.int.test.ts): it opens the engine on the test's
// database, arms a hold — inside the command's transaction just before it commits, or just after
// it committed (before the caller or the job hears back) — runs one approval or the due timer
// jobs, prints HOLD when it reaches the hold and waits there to be killed with SIGKILL.

const env = JSON.parse(process.env.CRASH_CHILD ?? '{}') as {
  url?: string;
  dataDir?: string;
  namespace?: string;
  slug: string;
  at: string;
  mode: 'approve' | 'timer';
  hold: 'beforeCommit' | 'afterCommit';
  instance: string;
  task?: string;
  by?: string;
};

const never = () => new Promise<never>(() => {});
const hold = async (): Promise<never> => {
  process.stdout.write('HOLD\n');
  return never();
};

const database = await openDatabase(env.url ? { url: env.url, poolSize: 4 } : { dataDir: env.dataDir });
if (env.namespace) database.jobsNamespace = env.namespace;
const engine = await Engine.attach(database, { revisionCheckMs: 0, clock: new ManualClock(env.at) });
let armed = false;
if (env.hold === 'beforeCommit')
  engine.behaviours.register({
    name: 'crash.hold',
    phase: 'beforeCommit',
    run: async () => {
      if (armed) await hold();
    },
  });
else {
  // A command answers once its transaction has committed; the timer job calls the same act.
  const act = engine.workflows.act.bind(engine.workflows);
  engine.workflows.act = async (te, id, command) => {
    const view = await act(te, id, command);
    return armed ? hold() : view;
  };
}
const t = await engine.tenant(env.slug);
armed = true;
process.stdout.write('READY\n');
if (env.mode === 'approve') await engine.workflows.act(t, env.instance, { kind: 'approve', task: env.task as string, by: env.by as string });
else await engine.jobs.runDue({ queues: [timerQueue] });
process.stdout.write('DONE without holding\n');
await engine.close();
