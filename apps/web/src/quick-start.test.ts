import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The README's quick start (which builds and serves this app) must run where npm is set not to
// prompt: `npx pnpm@10` there stops with "npx canceled due to missing packages"; `npx -y` does not.
const root = resolve(import.meta.dirname, '../../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

function markdownUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return markdownUnder(path);
    return e.name.endsWith('.md') ? [path] : [];
  });
}

/** The README's quick start: the lines of the first fenced block after "## Quick start". */
function quickStart(): string[] {
  const readme = read('README.md');
  const block = /## Quick start\n```bash\n([\s\S]*?)\n```/.exec(readme);
  if (!block) throw new Error('README.md has no "## Quick start" bash block');
  return (block[1] as string).split('\n');
}

describe('the quick start', () => {
  it('is two commands, each running pnpm through npx without a prompt', () => {
    const lines = quickStart();
    expect(lines).toEqual(['npx -y pnpm@10 install && npx -y pnpm@10 start', 'npx -y pnpm@10 install --frozen-lockfile && npx -y pnpm@10 run test:ci']);
  });

  it("CI runs exactly the README's test command", () => {
    const ci = read('.ci/run').trimEnd().split('\n');
    expect(ci[ci.length - 1]).toBe(quickStart()[1]);
  });

  it('every npx in the README, the docs and CI says -y', () => {
    const files = ['README.md', '.ci/run', ...markdownUnder('docs')];
    const prompting = files.flatMap((f) =>
      read(f)
        .split('\n')
        .flatMap((line, i) => (/\bnpx(?! -y )\s/.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(files.length).toBeGreaterThan(5);
    expect(prompting).toEqual([]);
  });
});
