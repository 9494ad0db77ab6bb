#!/usr/bin/env node
// The `tangram` command: runs the TypeScript CLI through tsx (no build step needed), in this
// process, so that signals (SIGTERM from a service manager, Ctrl-C) reach the CLI's own handlers
// — `tangram serve` and `tangram worker` stop gracefully on them.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
