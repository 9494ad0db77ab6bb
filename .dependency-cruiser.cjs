// Dependency rules (docs/adr/0007-engine-layering.md), run by `pnpm lint` through
// scripts/lint-deps.mjs:
// - A workspace package (packages/*, apps/*) is used only through an entry its package.json
//   `exports` declares: never `@tangram/x/src/...`, never a relative path into another package.
// - No cycle between the folders of packages/engine/src: see .dependency-cruiser-engine.cjs,
//   which extends this file and leaves the test files out.
// Type-only imports count (tsPreCompilationDeps): a reader follows them too.
// Paths are relative to the working directory (the repository root, or a test's fixture tree).
const { readdirSync, readFileSync, existsSync } = require('node:fs');
const path = require('node:path');

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every file a workspace package's `exports` names, as repository-relative paths. */
function publicEntries() {
  const entries = [];
  for (const root of ['packages', 'apps']) {
    if (!existsSync(path.join(process.cwd(), root))) continue;
    for (const dir of readdirSync(path.join(process.cwd(), root))) {
      const manifest = path.join(process.cwd(), root, dir, 'package.json');
      if (!existsSync(manifest)) continue;
      const { exports: exp } = JSON.parse(readFileSync(manifest, 'utf8'));
      const targets = typeof exp === 'string' ? [exp] : Object.values(exp ?? {}).flatMap((v) => (typeof v === 'string' ? [v] : Object.values(v)));
      for (const t of targets) entries.push(path.posix.join(root, dir, t));
    }
  }
  return entries;
}

module.exports = {
  forbidden: [
    {
      name: 'no-deep-import',
      severity: 'error',
      comment:
        "Another workspace package is used only through an entry in its package.json `exports` (its public API), not through a file in its src. Export what you need from that package's index.",
      from: { path: '^(packages|apps)/([^/]+)/' },
      to: {
        path: '^(packages|apps)/',
        pathNot: ['^$1/$2/', `^(${publicEntries().map(escapeRegExp).join('|')})$`],
      },
    },
    {
      name: 'no-relative-import-across-packages',
      severity: 'error',
      comment: 'Another workspace package is imported by its name (@tangram/x), never by a relative path into its folder.',
      from: { path: '^(packages|apps)/([^/]+)/' },
      to: { path: '^(packages|apps)/', pathNot: '^$1/$2/', dependencyTypes: ['local'] },
    },
    {
      name: 'no-unresolvable-workspace-import',
      severity: 'error',
      comment: 'An import of @tangram/x/... that does not resolve is a subpath the package does not export.',
      from: {},
      to: { path: '^@tangram/', couldNotResolve: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '/dist/', '\\.d\\.ts$'] },
    moduleSystems: ['es6', 'cjs'],
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs'],
    },
    cache: false,
  },
};
