import { fieldTypes } from '@tangram/fields';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { evaluate } from '@tangram/logic';
import type { Field, ObjectDef, ResolvedApp } from '@tangram/metadata';
import { useQueries } from '@tanstack/react-query';
import { Button, Table, Typography } from 'antd';
import { activeFields, visibleObjects } from '../api/metadata';
import { type RecordData, recordQueries } from '../api/records';
import { useI18n } from '../i18n/i18n';
import { newId } from '../layout/form-layout';
import { FieldDisplay, FieldEditor, isComputed } from '../widgets/registry';

/** A master-detail relation seen from the master: its detail lines are written with the master under `key`. */
export interface DetailRelation {
  key: string;
  object: ObjectDef;
  field: Field;
}

/** One line in the form: `$row` identifies it on screen; saved lines carry their id and version. */
export type DetailLine = Record<string, unknown> & { $row: string; id?: string; version?: number };

/** A problem the server reported on one line (its index in what was sent). */
export interface LineProblem {
  key: string;
  index: number;
  field?: string;
  message: string;
}

/** Objects whose master-detail field points at `master`, each under the name the API nests its lines by. */
export function detailRelations(app: ResolvedApp | undefined, master: ObjectDef): DetailRelation[] {
  return visibleObjects(app).flatMap((o) =>
    o.fields
      .filter((f) => !f.archived && fieldTypes[f.type].reference?.master && f.options.target === master.id)
      .map((f) => ({ key: (f.options.detailName as string | undefined) ?? o.name, object: o, field: f })),
  );
}

/** The fields a line shows: every active field but the one pointing at the master. */
export const lineFields = (r: DetailRelation): Field[] => activeFields(r.object).filter((f) => f.id !== r.field.id);

const maxLines = 500;

/**
 * The saved lines of each relation of a record (in the order they were written). A relation the
 * member may not read is left out rather than failing the page.
 */
export function useDetailLines(tenant: string, relations: DetailRelation[], id: string | undefined) {
  const results = useQueries({
    queries: relations.map((r) => {
      const q = { filter: { '==': [{ var: r.field.name }, id] }, sort: [{ field: 'id', direction: 'asc' as const }], limit: maxLines };
      return { ...recordQueries.list(tenant, r.object.name, q), placeholderData: undefined, enabled: id !== undefined };
    }),
  });
  const loading = id !== undefined && results.some((q) => q.isLoading);
  const readable = relations.filter((_, i) => id === undefined || results[i]?.data !== undefined);
  const lines: Record<string, DetailLine[]> = {};
  relations.forEach((r, i) => {
    lines[r.key] = (results[i]?.data?.records ?? []).map((rec: RecordData) => toLine(r, rec));
  });
  const updatedAt = results.reduce((sum, q) => sum + q.dataUpdatedAt, 0);
  return { loading, relations: readable, lines, updatedAt };
}

function toLine(r: DetailRelation, rec: RecordData): DetailLine {
  const line: DetailLine = { $row: rec.id, id: rec.id, version: rec.version };
  for (const f of lineFields(r)) line[f.name] = rec[f.name] ?? null;
  return line;
}

/** A formula's value for a line being edited, worked out here so the user sees it before saving (the server's is the one kept). */
function preview(f: Field, line: DetailLine): unknown {
  if (fieldTypes[f.type].computed !== 'expression' || f.options.expression === undefined) return line[f.name];
  try {
    const v = evaluate(f.options.expression, line, { $now: new Date().toISOString() });
    return typeof v === 'number' && !Number.isFinite(v) ? null : v;
  } catch {
    return line[f.name];
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * What to send for the detail lines: the whole new set of each relation that changed (the API
 * replaces the set: lines left out are deleted, lines with an id are updated with their version).
 * On create, relations with no lines are left out.
 */
export function detailPayload(
  relations: DetailRelation[],
  lines: Record<string, DetailLine[]> | undefined,
  before: Record<string, DetailLine[]> | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of relations) {
    const now = lines?.[r.key] ?? [];
    if (before ? same(now, before[r.key] ?? []) : now.length === 0) continue;
    out[r.key] = now.map((line) => {
      const body: Record<string, unknown> = {};
      for (const f of lineFields(r)) {
        if (isComputed(f)) continue;
        const v = line[f.name] ?? null;
        if (v !== null || line.id) body[f.name] = v;
      }
      if (line.id) Object.assign(body, { id: line.id, version: line.version });
      return body;
    });
  }
  return out;
}

export interface DetailTableProps {
  tenant: string;
  relation: DetailRelation;
  editing: boolean;
  /** antd's Form.Item passes value and onChange. */
  value?: DetailLine[];
  onChange?: (lines: DetailLine[]) => void;
  problems?: LineProblem[];
}

/** Detail lines as a table inside the master's form: edited in place, added and removed, saved with the master. */
export function DetailTable({ tenant, relation, editing, value = [], onChange, problems = [] }: DetailTableProps) {
  const { t, label } = useI18n();
  const fields = lineFields(relation);
  const set = (i: number, name: string, v: unknown) => onChange?.(value.map((l, j) => (j === i ? { ...l, [name]: v } : l)));
  const title = label(relation.object.pluralLabel, relation.object.name);
  const problemAt = (i: number, f?: string) => problems.filter((p) => p.key === relation.key && p.index === i && (f === undefined || p.field === f));
  const rowProblems = (i: number) => problemAt(i).filter((p) => !p.field || !fields.some((f) => f.name === p.field));
  return (
    <div data-testid={`detail-${relation.key}`} style={{ marginBottom: 16 }}>
      <Table<DetailLine>
        size="small"
        bordered
        rowKey="$row"
        pagination={false}
        dataSource={value}
        scroll={{ x: 48 + fields.length * 170 + (editing ? 56 : 0) }}
        locale={{ emptyText: t('detail.empty', { name: title }) }}
        columns={[
          { key: '#', title: '#', width: 48, render: (_, __, i) => i + 1 },
          ...fields.map((f) => ({
            key: f.name,
            title: (
              <span>
                {f.required && !isComputed(f) && <span style={{ color: '#ff4d4f', marginInlineEnd: 4 }}>*</span>}
                {label(f.label, f.name)}
              </span>
            ),
            width: 170,
            render: (_: unknown, line: DetailLine, i: number) => {
              const id = `${relation.key}-${i}-${f.name}`;
              const errors = problemAt(i, f.name);
              if (!editing) return <FieldDisplay field={f} tenant={tenant} value={line[f.name]} />;
              if (isComputed(f)) return <FieldDisplay field={f} tenant={tenant} value={preview(f, line)} />;
              return (
                <div className={errors.length ? 'tg-cell-error' : undefined} data-cell={`${i}.${f.name}`}>
                  <label htmlFor={id} className="tg-sr-only">
                    {`${label(f.label, f.name)} ${i + 1}`}
                  </label>
                  <FieldEditor field={f} tenant={tenant} id={id} value={line[f.name]} onChange={(v) => set(i, f.name, v)} />
                  {errors.map((p) => (
                    <div key={p.message} role="alert" style={{ color: '#ff4d4f', fontSize: 12 }}>
                      {p.message}
                    </div>
                  ))}
                </div>
              );
            },
          })),
          ...(editing
            ? [
                {
                  key: '$remove',
                  width: 56,
                  fixed: 'right' as const,
                  render: (_: unknown, __: DetailLine, i: number) => (
                    <Button
                      type="text"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={t('detail.remove', { row: i + 1 })}
                      onClick={() => onChange?.(value.filter((_, j) => j !== i))}
                    />
                  ),
                },
              ]
            : []),
        ]}
        footer={
          editing
            ? () => (
                <Button
                  type="dashed"
                  icon={<PlusOutlined />}
                  disabled={value.length >= maxLines}
                  onClick={() => {
                    const line: DetailLine = { $row: newId('line') };
                    for (const f of fields) line[f.name] = f.defaultValue ?? null;
                    onChange?.([...value, line]);
                  }}
                >
                  {t('detail.add')}
                </Button>
              )
            : undefined
        }
      />
      {value.map((line, i) =>
        rowProblems(i).map((p) => (
          <Typography.Text key={`${line.$row}-${p.message}`} type="danger" role="alert" style={{ display: 'block', fontSize: 12 }}>
            {t('detail.rowProblem', { row: i + 1, message: p.message })}
          </Typography.Text>
        )),
      )}
    </div>
  );
}
