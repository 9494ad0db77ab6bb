/**
 * Publishes metadata for a tenant from a separate process, for tests of what another server
 * process sees (its prepared statements, its model cache). Run with tsx:
 * `tsx publish-elsewhere.ts <database url> <tenant slug> <metadata JSON>`.
 */
import { openDatabase } from '../db/database';
import { Engine } from '../engine';

const [url, slug, metadata] = process.argv.slice(2);
if (!url || !slug || !metadata) throw new Error('usage: publish-elsewhere.ts <database url> <tenant slug> <metadata JSON>');
const database = await openDatabase({ url, poolSize: 1 });
try {
  const engine = await Engine.attach(database, { revisionCheckMs: 0 });
  await (await engine.tenant(slug)).schema.publish(JSON.parse(metadata));
} finally {
  await database.close();
}
