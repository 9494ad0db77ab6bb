import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogue } from './catalogue';
import { renderErrorsMarkdown } from './render-docs';

describe('the error catalogue', () => {
  it('is documented in docs/reference/errors.md exactly as generated (run pnpm docs:gen)', () => {
    const doc = readFileSync(new URL('../../../docs/reference/errors.md', import.meta.url), 'utf8');
    expect(doc).toBe(renderErrorsMarkdown());
  });

  it('gives every code a 4xx or 5xx status', () => {
    const bad = Object.entries(catalogue).filter(([, e]) => e.status < 400 || e.status > 599);
    expect(bad).toEqual([]);
  });
});
