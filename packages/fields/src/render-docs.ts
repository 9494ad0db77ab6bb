import type { FieldType, JsonSchema } from './field-type';
import { fieldTypes, filterOperators } from './registry';

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
    const storage = t.storage === 'junction' ? 'junction table' : t.kindOf ? 'by result type' : `\`${t.column({ options: defaults(props) } as never)}\``;
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
    '## Field type capabilities',
    '',
    'A field type owns everything that differs between types; no code outside `packages/fields` and the',
    "web app's widget registry (`apps/web/src/widgets`) branches on a type's name. Instead it asks the type",
    '(`fieldTypes[field.type]`, see `packages/fields/src/field-type.ts`):',
    '',
    '- **storage and column** — `storage`, `column(field)`, `toColumn(value)` (jsonb values bound as JSON text);',
    '- **reference shape** — `reference`: `single` (a foreign-key column) or `junction` (a link table), whether it',
    '  points at an object of the app or a system table, its `target(field)`, `onDelete(field)`, and `master`',
    '  (master-detail: required, written and deleted with its master);',
    '- **values** — `valueSchema(field)`, `check`, `normalize`; `computed` (`sequence`, `expression`, `aggregate`)',
    '  and `coerce` for computed results;',
    '- **type changes** — `conversion`: the value family values convert between and the `limit` the new column',
    '  puts on converted values (turned into SQL by the schema planner); `narrows(was, now)` for option changes',
    '  that may leave stored values invalid;',
    '- **indexes and search** — `indexable`, `alwaysUnique`, `sortable`, `textSearch` (trigram index on search',
    '  fields), `titleCandidate` (the default title field), `duplicateMatches` (查重);',
    '- **API** — `apiSchema(field, described)`, the value in the OpenAPI document;',
    '- **views and designer** — `kind`/`kindOf` and `filterOperators` (the filter builder), `temporal` (calendars,',
    '  follow-up dates), `kanbanLanes`, `optionList`, `designerOptions(other)` (a new field dropped in the designer).',
    '',
    'On the web, the widget adds what is about showing and editing: `block` (a whole form row, not on kanban cards),',
    '`columnWidth`, `listColumn` and `filterAs(field)` (the editor a filter value is typed into).',
    '',
    '| type | reference | computed | converts as | filter operators | also |',
    '| --- | --- | --- | --- | --- | --- |',
    ...Object.values(fieldTypes).map(capabilityRow),
    '',
  ].join('\n');
}

function capabilityRow(t: FieldType): string {
  const sample = {
    id: 'f',
    name: 'f',
    type: t.type,
    label: {},
    required: false,
    unique: false,
    indexed: false,
    archived: false,
    options: { resultType: 'number' },
  };
  const ref = t.reference ? `${t.reference.shape}${t.reference.toObject ? '' : ' (system table)'}${t.reference.master ? ', master' : ''}` : '—';
  const flags = [
    t.textSearch ? 'text search' : '',
    t.alwaysUnique ? 'always unique' : '',
    t.titleCandidate ? 'default title' : '',
    t.temporal ? 'calendar' : '',
    t.kanbanLanes ? 'kanban lanes' : '',
    t.optionList ? 'option list' : '',
    t.holdsFiles ? 'files' : '',
    t.duplicateMatches ? `duplicates: ${t.duplicateMatches.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const ops = filterOperators(sample as never);
  const family = t.conversion ? `\`${t.conversion.family}\`` : 'itself only';
  return `| \`${t.type}\` | ${ref} | ${t.computed ?? '—'} | ${family} | ${ops.join(', ') || '—'}${t.kindOf ? ' (by result type)' : ''} | ${flags || '—'} |`;
}

function defaults(props: Record<string, JsonSchema>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(props)
      .filter(([, s]) => s.default !== undefined)
      .map(([k, s]) => [k, s.default]),
  );
}
