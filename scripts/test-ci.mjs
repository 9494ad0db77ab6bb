#!/usr/bin/env node
// Runs the whole suite (typecheck, lint, vitest) and ends with one line: "N passed, N failed".
// The counts come from vitest's JSON reporter, not from its console summary.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', shell: false }).status ?? 1;
const bin = (name) => `node_modules/.bin/${name}`;
const results = '.vitest-results.json';

const checks = [
  ['typecheck', () => run(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit'])],
  // biome, then the dependency rules and the field-type-switch rule (docs/adr/0007-engine-layering.md).
  ['lint', () => run(bin('biome'), ['check', '.']) || run('node', ['scripts/lint-deps.mjs']) || run('node', ['scripts/lint-field-types.mjs'])],
  // The browser tests in apps/web/e2e run against this build.
  ['build-web', () => run('node', ['scripts/ensure-web.mjs', '--force'])],
  ['typecheck-web', () => run(bin('tsc'), ['-p', 'apps/web/tsconfig.json', '--noEmit'])],
];
let failedChecks = 0;
for (const [name, check] of checks) {
  const status = check();
  console.log(`${name}: ${status === 0 ? 'ok' : 'FAILED'}`);
  if (status !== 0) failedChecks++;
}

rmSync(results, { force: true });
const status = run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile=${results}`, ...process.argv.slice(2)]);
if (!existsSync(results)) {
  console.log(`0 passed, ${1 + failedChecks} failed`);
  process.exit(1);
}
const report = JSON.parse(readFileSync(results, 'utf8'));
const passed = report.numPassedTests + (failedChecks === 0 ? checks.length : checks.length - failedChecks);
// A test file that failed before running any test (an import or setup error) counts as one failure.
const brokenFiles = (report.testResults ?? []).filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed')).length;
const failed = report.numFailedTests + failedChecks + brokenFiles;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
// Skips are said (they are deliberate: PostgreSQL-only cases on PGlite), but the last line is exactly `N passed, N failed`.
if (skipped) console.log(`${skipped} skipped`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || status !== 0 || report.numTotalTests === 0 ? 1 : 0);
