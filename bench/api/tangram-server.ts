// The Tangram API as `tangram serve` runs it: the same build options, logging included (pino to
// stdout, which the bench reads and drops), so the figures are what users get.
import { build, defaultLogger } from '../../apps/server/src/app';
import { Engine } from '../../packages/engine/src/index';

const engine = await Engine.open({ url: process.env.BENCH_DATABASE_URL, poolSize: 10 });
const app = await build({ engine, logger: defaultLogger });
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('ready');
process.on('SIGINT', () => process.exit(0));
