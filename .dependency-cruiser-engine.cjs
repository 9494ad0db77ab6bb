// The engine's folders are layers (docs/adr/0007-engine-layering.md): no cycle between them.
// Run on packages/engine/src without its test files (a test may import across layers, and the
// testing/ helpers import the whole engine), by scripts/lint-deps.mjs.
module.exports = {
  extends: './.dependency-cruiser.cjs',
  forbidden: [
    {
      name: 'engine-folder-cycle',
      severity: 'error',
      comment:
        'The folders of packages/engine/src are layers (docs/adr/0007-engine-layering.md): a folder may import a lower one, never one that imports it back, directly or through others. Move the shared piece down (core/), or pass a function in.',
      scope: 'folder',
      from: { path: '^packages/engine/src/[^/]+$' },
      to: { path: '^packages/engine/src/[^/]+$', circular: true },
    },
  ],
  options: {
    exclude: { path: ['node_modules', '/dist/', '\\.d\\.ts$', '\\.test\\.tsx?$'] },
  },
};
