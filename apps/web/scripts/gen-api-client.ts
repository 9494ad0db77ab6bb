// Regenerates apps/web/src/api/schema.d.ts (the web client's types) from the server's OpenAPI document.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderApiSchema } from './api-document';

const target = fileURLToPath(new URL('../src/api/schema.d.ts', import.meta.url));
writeFileSync(target, await renderApiSchema());
console.log(`${target} written`);
