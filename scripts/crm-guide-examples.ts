// The automations guide's CRM examples are the CRM template's rule files: this rewrites each JSON
// block of the guide's "CRM rules" section from the file of the rule it names (the prose is kept).
// crm-rules.int.test.ts fails when a block and its file differ, or a rule has no block.
import { readFileSync, writeFileSync } from 'node:fs';
import type { AutomationInput } from '../packages/metadata/src/index';
import { loadPackage } from '../packages/templates/src/index';

/** JSON on one line with a space after each comma and colon. */
function compact(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(compact).join(', ')}]`;
  if (typeof v === 'object' && v !== null)
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}: ${compact(x)}`)
      .join(', ')}}`;
  return JSON.stringify(v);
}

/** One rule as the guide shows it: a line per property, one per action. */
export function exampleJson(a: AutomationInput): string {
  const lines = Object.entries(a).map(([k, v]) =>
    k === 'actions' ? `  "actions": [\n${(v as unknown[]).map((x) => `    ${compact(x)}`).join(',\n')}\n  ]` : `  ${JSON.stringify(k)}: ${compact(v)}`,
  );
  return `{\n${lines.join(',\n')}\n}`;
}

export function rewriteGuide(guide: string, automations: AutomationInput[]): string {
  const start = guide.indexOf('## CRM rules');
  if (start < 0) throw new Error('the guide has no "## CRM rules" section');
  const next = guide.indexOf('\n## ', start + 1);
  const end = next < 0 ? guide.length : next;
  const section = guide.slice(start, end).replace(/```json\n([\s\S]*?)\n```/g, (_, body: string) => {
    const name = (JSON.parse(body) as { name: string }).name;
    const rule = automations.find((a) => a.name === name);
    if (!rule) throw new Error(`the guide shows "${name}", which templates/crm does not have`);
    return `\`\`\`json\n${exampleJson(rule)}\n\`\`\``;
  });
  return guide.slice(0, start) + section + guide.slice(end);
}

const file = 'docs/guides/automations.md';
writeFileSync(file, rewriteGuide(readFileSync(file, 'utf8'), loadPackage('templates/crm').automations ?? []));
console.log(`${file}: CRM examples rewritten from templates/crm/automations`);
