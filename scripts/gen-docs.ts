// Regenerates the reference pages that are derived from code.
import { mkdirSync, writeFileSync } from 'node:fs';
import { renderErrorsMarkdown } from '../packages/errors/src/index';
import { renderFieldTypesMarkdown } from '../packages/fields/src/index';

mkdirSync('docs/reference', { recursive: true });
writeFileSync('docs/reference/errors.md', renderErrorsMarkdown());
writeFileSync('docs/reference/field-types.md', renderFieldTypesMarkdown());
console.log('docs/reference/errors.md, docs/reference/field-types.md written');
