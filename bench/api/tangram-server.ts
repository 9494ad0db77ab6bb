// The Tangram API as `tangram serve` runs it: the same build options, logging included (pino to
// stdout, which the bench sends to a file), so the figures are what users get.
import { build, serveLogger } from '../../apps/server/src/app';
import { startWorker } from '../../apps/server/src/cli';
import { Engine } from '../../packages/engine/src/index';

const engine = await Engine.open({ url: process.env.BENCH_DATABASE_URL, poolSize: 10 });
const app = await build({ engine, logger: serveLogger() });
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
// As `tangram serve` does by default: this process also runs the jobs (automations, schedules).
await startWorker(engine, app.log, undefined, app.busy);
// stdout is the log; readiness goes to stderr.
console.error('ready');
process.on('SIGINT', () => void engine.close().finally(() => process.exit(0)));
