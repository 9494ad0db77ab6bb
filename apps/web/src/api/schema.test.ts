import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderApiSchema } from '../../scripts/api-document';

// The web client is typed from schema.d.ts; when the server's OpenAPI document changes, the
// committed file must be regenerated (`pnpm gen:api`) — this fails until it is.
describe('apps/web/src/api/schema.d.ts', () => {
  it('is what `pnpm gen:api` generates from the server as it is now', async () => {
    const committed = readFileSync(new URL('./schema.d.ts', import.meta.url), 'utf8');
    const fresh = await renderApiSchema();
    expect(committed === fresh, 'schema.d.ts is stale: run `pnpm gen:api` and commit it').toBe(true);
  });
});
