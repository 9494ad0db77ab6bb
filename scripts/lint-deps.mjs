#!/usr/bin/env node
// Dependency lint (docs/adr/0007-engine-layering.md), two dependency-cruiser runs:
// 1. packages/ and apps/, test files included: workspace packages used only through their
//    public entry (.dependency-cruiser.cjs);
// 2. packages/engine/src without its tests: no cycle between the engine's folders
//    (.dependency-cruiser-engine.cjs).
// Exits non-zero on any violation. Runs in the working directory (tests point it at a fixture
// tree with the same layout); the configs are always this repository's.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const depcruise = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

const runs = [
  { config: '.dependency-cruiser.cjs', dirs: ['packages', 'apps'] },
  { config: '.dependency-cruiser-engine.cjs', dirs: ['packages/engine/src'] },
];
let failed = false;
for (const { config, dirs } of runs) {
  const present = dirs.filter((d) => existsSync(d));
  if (!present.length) continue;
  const r = spawnSync(process.execPath, [depcruise, ...present, '--config', join(root, config), '--output-type', 'err'], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
