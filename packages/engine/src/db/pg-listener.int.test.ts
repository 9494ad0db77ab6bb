import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from './database';
import { PgListener } from './pg-listener';
import { backends, postgresUrl } from '../testing/databases';

/** The process's LISTEN connection survives losing its connection: it comes back, listens again and says events may have been missed. */
describe.runIf((await backends()).includes('postgres'))('the PostgreSQL LISTEN connection', () => {
  const name = `tg_listen_${randomBytes(4).toString('hex')}`;
  const channel = `tg_test_${randomBytes(4).toString('hex')}`;
  let db: Database;
  let listener: PgListener;
  beforeAll(async () => {
    db = await openDatabase({ url: postgresUrl, poolSize: 2 });
    const url = new URL(postgresUrl);
    url.searchParams.set('application_name', name);
    listener = new PgListener(url.toString());
  });
  afterAll(async () => {
    await listener.close();
    await db.close();
  });

  it('listens again after its connection is killed, telling listeners to resync', async () => {
    const got: string[] = [];
    let resets = 0;
    let wake = () => {};
    const arrived = (n: number, r = () => got.length >= n) =>
      new Promise<void>((resolve) => {
        wake = () => r() && resolve();
        wake();
      });
    await listener.listen(channel, {
      message: (p) => {
        got.push(p);
        wake();
      },
      reset: () => {
        resets++;
        wake();
      },
    });
    await sql`select pg_notify(${channel}, 'before')`.execute(db.db);
    await arrived(1);
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${name}`.execute(db.db);
    await arrived(0, () => resets === 1);
    await sql`select pg_notify(${channel}, 'after')`.execute(db.db);
    await arrived(2);
    expect(got).toEqual(['before', 'after']);
  });
});
