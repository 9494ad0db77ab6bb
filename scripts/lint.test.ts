// The layering lints (docs/adr/0007-engine-layering.md) fail on what they are meant to catch:
// each runs on a small fixture tree with the repository's layout, once clean and once with one
// violation planted.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script, without declarations
import { lint as lintFieldTypes } from './lint-field-types.mjs';

const scripts = dirname(fileURLToPath(import.meta.url));
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'tangram-lint-'));
  made.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function run(script: string, cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [join(scripts, script), ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Two packages: the engine (folders a and b, a above b) and fields, linked as in node_modules. */
function workspace(overrides: Record<string, string> = {}): string {
  const root = tree({
    'packages/engine/package.json': JSON.stringify({ name: '@tangram/engine', exports: { '.': './src/index.ts' } }),
    'packages/engine/src/index.ts': "export { x } from './a/x';\n",
    'packages/engine/src/a/x.ts': "import { y } from '../b/y';\nexport const x = y;\n",
    'packages/engine/src/a/z.ts': 'export const z = 1;\n',
    'packages/engine/src/b/y.ts': "import { text } from '@tangram/fields';\nexport const y = text;\n",
    'packages/fields/package.json': JSON.stringify({ name: '@tangram/fields', exports: { '.': './src/index.ts' } }),
    'packages/fields/src/index.ts': "export { text } from './types/text';\n",
    'packages/fields/src/types/text.ts': "export const text = 'text';\n",
    ...overrides,
  });
  mkdirSync(join(root, 'node_modules', '@tangram'), { recursive: true });
  symlinkSync(join(root, 'packages', 'fields'), join(root, 'node_modules', '@tangram', 'fields'));
  return root;
}

describe('lint-deps (dependency-cruiser)', () => {
  it('passes a tree whose folders form layers and whose packages are used through their entry', () => {
    const r = run('lint-deps.mjs', workspace());
    expect(r.output).toContain('no dependency violations');
    expect(r.status).toBe(0);
  });

  it('fails on a cycle between two engine folders, even when no file cycle exists', () => {
    // a/x → b/y → a/z: the files form no cycle, the folders a and b do.
    const r = run('lint-deps.mjs', workspace({ 'packages/engine/src/b/y.ts': "import { z } from '../a/z';\nexport const y = z;\n" }));
    expect(r.output).toContain('engine-folder-cycle');
    expect(r.output).toMatch(/packages\/engine\/src\/a[\s\S]*packages\/engine\/src\/b/);
    expect(r.status).not.toBe(0);
  });

  it('fails on a folder importing the files at the top of the engine (engine.ts, index.ts)', () => {
    const r = run('lint-deps.mjs', workspace({ 'packages/engine/src/b/y.ts': "import type { x } from '../index';\nexport const y: typeof x = 1;\n" }));
    expect(r.output).toContain('engine-root-on-top');
    expect(r.status).not.toBe(0);
  });

  it("fails on an import of another package's src by its package name", () => {
    const r = run(
      'lint-deps.mjs',
      workspace({ 'packages/engine/src/b/y.ts': "import { text } from '@tangram/fields/src/types/text';\nexport const y = text;\n" }),
    );
    expect(r.output).toContain('no-unresolvable-workspace-import');
    expect(r.status).not.toBe(0);
  });

  it("fails on a relative import into another package's src", () => {
    const r = run(
      'lint-deps.mjs',
      workspace({ 'packages/engine/src/b/y.ts': "import { text } from '../../../fields/src/types/text';\nexport const y = text;\n" }),
    );
    expect(r.output).toContain('no-deep-import');
    expect(r.output).toContain('no-relative-import-across-packages');
    expect(r.status).not.toBe(0);
  });
});

describe('lint-field-types', () => {
  const registry = {
    'packages/fields/src/registry.ts':
      "import { lookup } from './types/lookup';\nexport const fieldTypes = { lookup, text: {}, 'rollup': {} } satisfies Record<string, unknown>;\n",
    // The field types and the widgets may branch on names.
    'packages/fields/src/values.ts': "export const isRef = (f: { type: string }) => f.type === 'lookup';\n",
    'apps/web/src/widgets/registry.tsx': "export function w(field: { type: string }) { switch (field.type) { case 'lookup': return 1; default: return 0; } }\n",
  };
  const clean = {
    ...registry,
    // Other `type`s compared with a name that happens to be a field type's are not field types.
    'packages/engine/src/a.ts': "export const ok = (event: { type: string }, input: { type: string }) => event.type === 'lookup' || input.type === 'text';\n",
  };
  const planted: Record<string, string> = {
    comparison: "export const bad = (f: { type: string }) => f.type === 'lookup';\n",
    'negated comparison on .field.type': "export const bad = (m: { field: { type: string } }) => m.field.type !== 'rollup';\n",
    switch: "export function bad(field: { type: string }) {\n  switch (field.type) {\n    case 'text':\n      return 1;\n  }\n  return 0;\n}\n",
    'includes on a list of names': "export const bad = (def: { type: string }) => ['lookup', 'text'].includes(def.type);\n",
    'a set of names': "const refs = new Set(['lookup']);\nexport const bad = (titleField: { type: string }) => refs.has(titleField.type);\n",
    'a bare fieldType': "export const bad = (fieldType: string) => fieldType === 'rollup';\n",
  };

  const check = (dir: string): { ok: boolean; output: string } => {
    const { ok, lines } = lintFieldTypes(dir) as { ok: boolean; lines: string[] };
    return { ok, output: lines.join('\n') };
  };

  it('passes code that branches on field types only in packages/fields and the widgets', () => {
    const r = check(tree(clean));
    expect(r.output).toContain('no new branch on a field type name');
    expect(r.ok).toBe(true);
  });

  for (const [name, code] of Object.entries(planted)) {
    it(`fails on ${name} outside them`, () => {
      const r = check(tree({ ...clean, 'apps/server/src/bad.ts': code }));
      expect(r.output).toContain('apps/server/src/bad.ts:');
      expect(r.ok).toBe(false);
    });
  }

  it('exits non-zero from the command line (as pnpm lint and CI run it)', () => {
    const dir = tree({ ...clean, 'apps/server/src/bad.ts': planted.comparison as string });
    const r = run('lint-field-types.mjs', dir);
    expect(r.output).toContain("apps/server/src/bad.ts:1  f.type === 'lookup'");
    expect(r.status).toBe(1);
    expect(run('lint-field-types.mjs', tree(clean)).status).toBe(0);
  });

  it('lets through the branches its allow-list counts, and no more', () => {
    const allow = { 'scripts/field-type-switches.allow.json': JSON.stringify({ 'apps/server/src/bad.ts': 1 }) };
    const one = "export const a = (f: { type: string }) => f.type === 'lookup';\n";
    expect(check(tree({ ...clean, ...allow, 'apps/server/src/bad.ts': one })).ok).toBe(true);
    const two = `${one}export const b = (f: { type: string }) => f.type === 'text';\n`;
    const r = check(tree({ ...clean, ...allow, 'apps/server/src/bad.ts': two }));
    expect(r.output).toContain('2 branch(es) on a field type name, 1 allowed');
    expect(r.ok).toBe(false);
  });

  it('reads the names from the registry: a name not registered is not a field type', () => {
    const r = check(tree({ ...clean, 'apps/server/src/other.ts': "export const ok = (f: { type: string }) => f.type === 'currency';\n" }));
    expect(r.ok).toBe(true);
  });
});
