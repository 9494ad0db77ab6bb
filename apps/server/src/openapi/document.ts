import type { Engine } from '@tangram/engine';
import { build } from '../app';
import { apiOpenApi } from './generate';

/**
 * The API's OpenAPI document without a database: the app is built (routes are only registered,
 * never called) and its route declarations are turned into the document.
 */
export async function apiDocument(): Promise<Record<string, unknown>> {
  const engine = { identity: {} } as unknown as Engine;
  const app = await build({ engine });
  await app.ready();
  const doc = apiOpenApi(app.apiRoutes);
  await app.close();
  return doc;
}
