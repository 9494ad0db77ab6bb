#!/usr/bin/env node
// Builds the web app (apps/web/dist) when it has not been built, so that `pnpm start` on a fresh
// clone serves the UI. `--force` rebuilds it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const built = existsSync('apps/web/dist/index.html');
if (built && !process.argv.includes('--force')) process.exit(0);
console.log('building the web app (apps/web) …');
const status = spawnSync('node_modules/.bin/vite', ['build', '--logLevel', 'warn'], { cwd: 'apps/web', stdio: 'inherit' }).status;
process.exit(status ?? 1);
