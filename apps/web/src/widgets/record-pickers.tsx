import type { Field, ObjectDef } from '@tangram/metadata';
import { useQuery } from '@tanstack/react-query';
import { Select, Space } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { objectByName, useMetadata } from '../api/metadata';
import { recordQueries } from '../api/records';
import type { DisplayProps, EditorProps, Widget } from './widget';

function useTarget(tenant: string, field: Field): ObjectDef | undefined {
  const md = useMetadata(tenant);
  const id = field.options.target as string | undefined;
  return md.data?.metadata.objects.find((o) => o.id === id) ?? objectByName(md.data?.metadata, id);
}

/** The title of a record: its title field, or its id when it has none. */
export function titleOf(object: ObjectDef | undefined, record: Record<string, unknown> | undefined): string {
  if (!record) return '';
  const titleField = object?.fields.find((f) => f.id === object.titleField);
  const v = titleField ? record[titleField.name] : undefined;
  return v == null || v === '' ? String(record.id ?? '') : String(v);
}

function RecordLink({ tenant, target, id }: { tenant: string; target: ObjectDef | undefined; id: string }) {
  // Batched: a page of lookups asks for its records in one request per object.
  const rec = useQuery(recordQueries.brief(tenant, target?.name ?? '', target ? id : undefined));
  if (!target) return <span>{id}</span>;
  return (
    <Link to={`/t/${tenant}/o/${target.name}/r/${id}`} onClick={(e) => e.stopPropagation()}>
      {rec.data ? titleOf(target, rec.data) : rec.isPending ? '…' : `${id.slice(0, 8)}…`}
    </Link>
  );
}

function Picker({ id, value, onChange, disabled, field, tenant, multiple }: EditorProps & { multiple?: boolean }) {
  const target = useTarget(tenant, field);
  const [search, setSearch] = useState('');
  const found = useQuery(recordQueries.picker(tenant, target?.name, search));
  const selected = (multiple ? ((value as string[] | null) ?? []) : value ? [value as string] : []) as string[];
  const options = (found.data?.records ?? []).map((r) => ({ value: r.id, label: titleOf(target, r) }));
  for (const s of selected) if (!options.some((o) => o.value === s)) options.push({ value: s, label: `${s.slice(0, 8)}…` });
  return (
    <Select
      id={id}
      mode={multiple ? 'multiple' : undefined}
      showSearch
      allowClear
      filterOption={false}
      onSearch={setSearch}
      loading={found.isFetching}
      style={{ width: '100%' }}
      value={multiple ? selected : ((value as string | null) ?? undefined)}
      onChange={(v) => onChange?.(v ?? null)}
      disabled={disabled}
      options={options}
    />
  );
}

function One({ field, tenant, value }: DisplayProps) {
  const target = useTarget(tenant, field);
  return typeof value === 'string' ? <RecordLink tenant={tenant} target={target} id={value} /> : null;
}

function Many({ field, tenant, value }: DisplayProps) {
  const target = useTarget(tenant, field);
  if (!Array.isArray(value)) return null;
  return (
    <Space wrap>
      {value.map((v) => (
        <RecordLink key={String(v)} tenant={tenant} target={target} id={String(v)} />
      ))}
    </Space>
  );
}

/** A reference to one record of the target object (lookup, master-detail), searched by its title. */
export const recordPicker: Widget = { id: 'record-picker', types: ['lookup', 'masterdetail'], Editor: Picker, Display: One };
/** References to several records (many-to-many). */
export const recordMultiPicker: Widget = { id: 'record-multi-picker', types: ['manytomany'], Editor: (p) => <Picker {...p} multiple />, Display: Many };
