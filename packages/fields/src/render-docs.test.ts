import { readFileSync } from 'node:fs';
import { fieldTypeNames } from '@tangram/metadata';
import { describe, expect, it } from 'vitest';
import { fieldTypes } from './registry';
import { renderFieldTypesMarkdown } from './render-docs';

describe('the field-type registry', () => {
  it('has an entry for every field type name', () => {
    expect(Object.keys(fieldTypes).sort()).toEqual([...fieldTypeNames].sort());
  });

  it('is documented in docs/reference/field-types.md exactly as generated (run pnpm docs:gen)', () => {
    const doc = readFileSync(new URL('../../../docs/reference/field-types.md', import.meta.url), 'utf8');
    expect(doc).toBe(renderFieldTypesMarkdown());
  });
});
