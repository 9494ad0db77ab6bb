import { describe, expect, it } from 'vitest';
import { devMailboxFromEnv } from './cli';

describe('the dev mailbox from the environment', () => {
  it('is on for TANGRAM_MAIL=dev, off for TANGRAM_MAIL=smtp, and otherwise on for a demo server outside production', () => {
    const cases: [NodeJS.ProcessEnv, boolean][] = [
      [{ TANGRAM_MAIL: 'dev', NODE_ENV: 'production', TANGRAM_DEMO: '0' }, true],
      [{ TANGRAM_MAIL: 'smtp' }, false],
      [{}, true],
      [{ TANGRAM_DEMO: '0' }, false],
      [{ NODE_ENV: 'production' }, false],
      [{ TANGRAM_DEMO: '1', NODE_ENV: 'development' }, true],
    ];
    for (const [env, on] of cases) expect(devMailboxFromEnv(env), JSON.stringify(env)).toBe(on);
  });
});
