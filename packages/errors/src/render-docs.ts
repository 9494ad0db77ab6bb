import { catalogue } from './catalogue';

/** docs/reference/errors.md, generated from the catalogue (a test keeps the file in sync). */
export function renderErrorsMarkdown(): string {
  const rows = Object.entries(catalogue).map(([code, e]) => `| \`${code}\` | ${e.status} | ${e.message} |`);
  return [
    '# Error codes',
    '',
    'Every error body is `{ "error": { "code", "message", "details", "requestId" } }`. Clients switch on `code`;',
    'codes are never renamed. `details.problems` lists every problem of a validation error, each with',
    'its `code`, `path` (JSON pointer into the input) or `field`, and `message`.',
    '',
    'Generated from `packages/errors/src/catalogue.ts` by `pnpm docs:gen`.',
    '',
    '| code | HTTP status | meaning |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
