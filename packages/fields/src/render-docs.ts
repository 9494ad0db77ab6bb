import { fieldTypes } from './registry';
import type { JsonSchema } from './field-type';

function describeOption(name: string, schema: JsonSchema, required: boolean): string {
  const parts: string[] = [];
  if (schema.enum) parts.push(`one of ${(schema.enum as unknown[]).map((v) => `\`${String(v)}\``).join(', ')}`);
  else if (schema.type) parts.push(String(schema.type));
  if (schema.minimum !== undefined || schema.maximum !== undefined) parts.push(`${schema.minimum ?? '…'}–${schema.maximum ?? '…'}`);
  if (schema.pattern) parts.push(`pattern \`${String(schema.pattern)}\``);
  if (schema.default !== undefined) parts.push(`default \`${JSON.stringify(schema.default)}\``);
  if (required) parts.push('**required**');
  return `\`${name}\` (${parts.join('; ') || 'any JSON'})`;
}

/** docs/reference/field-types.md, generated from the registry (a test keeps the file in sync). */
export function renderFieldTypesMarkdown(): string {
  const rows = Object.values(fieldTypes).map((t) => {
    const props = (t.optionsSchema.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((t.optionsSchema.required as string[] | undefined) ?? []);
    const options =
      Object.entries(props)
        .map(([k, s]) => describeOption(k, s, required.has(k)))
        .join('<br>') || '—';
    const storage =
      t.storage === 'junction' ? 'junction table' : t.type === 'formula' ? 'by result type' : `\`${t.column({ options: defaults(props) } as never)}\``;
    const flags = [
      t.computed ? 'computed (read-only)' : '',
      t.indexable ? 'indexable' : '',
      t.sortable ? 'sortable' : '',
      t.kind || t.kindOf ? 'filterable' : '',
    ]
      .filter(Boolean)
      .join(', ');
    return `| \`${t.type}\` | ${t.label['zh-CN']} / ${t.label.en} | ${storage} | ${options} | ${flags} | \`${t.defaultWidget}\` |`;
  });
  return [
    '# Field types',
    '',
    'Every field has `id` (stable, names its column; defaults to `name`), `name` (API name,',
    '`^[a-z][a-z0-9_]{0,62}$`, not reserved), `type`, `label` (`{"zh-CN": "…", "en": "…"}` or a string),',
    '`description`, `required`, `unique`, `indexed`, `defaultValue`, `options` (per type, below) and `archived`.',
    '',
    'Generated from `packages/fields/src/types/*.ts` by `pnpm docs:gen`.',
    '',
    '| type | label | column | options | capabilities | widget |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

function defaults(props: Record<string, JsonSchema>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(props)
      .filter(([, s]) => s.default !== undefined)
      .map(([k, s]) => [k, s.default]),
  );
}
