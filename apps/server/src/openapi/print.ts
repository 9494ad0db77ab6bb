// Prints the API's OpenAPI document (every declared route; `{tenant}` and `{object}` as
// parameters, generic record schemas): what the web app's typed client is generated from.
//   npx tsx apps/server/src/openapi/print.ts > openapi.json
import { apiDocument } from './document';

process.stdout.write(`${JSON.stringify(await apiDocument(), null, 2)}\n`);
