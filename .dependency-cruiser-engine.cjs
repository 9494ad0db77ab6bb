// The engine's folders are layers (docs/adr/0007-engine-layering.md): no cycle between them,
// nor between one of them and the files at the top (engine.ts, index.ts: the composition root).
// Run on packages/engine/src without its test files (a test may import across layers, and the
// testing/ helpers import the whole engine), by scripts/lint-deps.mjs.
module.exports = {
  extends: './.dependency-cruiser.cjs',
  forbidden: [
    {
      name: 'engine-folder-cycle',
      severity: 'error',
      comment:
        'The folders of packages/engine/src are layers (docs/adr/0007-engine-layering.md): a folder may import a lower one, never one that imports it back, directly or through others. Move the shared piece down to the lowest folder that needs it, or pass a function in.',
      scope: 'folder',
      from: { path: '^packages/engine/src/[^/]+$' },
      to: { path: '^packages/engine/src/[^/]+$', circular: true },
    },
    {
      name: 'engine-root-on-top',
      severity: 'error',
      comment:
        'engine.ts and index.ts (the files directly in packages/engine/src) put the folders together: they are the top layer, and no folder but testing/ imports them. Folder rules cannot see them (a folder contains its subfolders), hence this module rule.',
      from: { path: '^packages/engine/src/[^/]+/', pathNot: '^packages/engine/src/testing/' },
      to: { path: '^packages/engine/src/[^/]+$' },
    },
  ],
  options: {
    exclude: { path: ['node_modules', '/dist/', '\\.d\\.ts$', '\\.test\\.tsx?$'] },
  },
};
