import { useQuery } from '@tanstack/react-query';
import { Button, Input, Select, Space } from 'antd';
import { api } from '../api/http';
import { useSession } from '../api/session';
import { useI18n } from '../i18n/i18n';
import type { DisplayProps, EditorProps, Widget } from './widget';

interface Department {
  id: string;
  name: string;
  path?: string;
}

function useDepartments(tenant: string) {
  return useQuery({
    queryKey: ['departments', tenant],
    queryFn: () => api<{ departments: Department[] }>('GET', `/t/${tenant}/org/departments`),
    staleTime: 60_000,
  });
}

function UserEditor({ id, value, onChange, disabled }: EditorProps) {
  const session = useSession();
  const { lang } = useI18n();
  const me = session.data?.user;
  return (
    <Space.Compact style={{ width: '100%' }}>
      <Input id={id} value={(value as string | null) ?? ''} onChange={(e) => onChange?.(e.target.value || null)} disabled={disabled} placeholder="user id" />
      {me && (
        <Button onClick={() => onChange?.(me.id)} disabled={disabled}>
          {lang === 'en' ? 'Me' : '我'}
        </Button>
      )}
    </Space.Compact>
  );
}

function UserDisplay({ value }: DisplayProps) {
  const session = useSession();
  if (typeof value !== 'string') return null;
  const me = session.data?.user;
  return <span title={value}>{me && me.id === value ? me.name : `${value.slice(0, 8)}…`}</span>;
}

/** A tenant member (the current user can be picked with one click). */
export const userPicker: Widget = { id: 'user-picker', types: ['user'], Editor: UserEditor, Display: UserDisplay };

function DepartmentEditor({ id, value, onChange, disabled, tenant }: EditorProps) {
  const deps = useDepartments(tenant);
  return (
    <Select
      id={id}
      allowClear
      showSearch
      optionFilterProp="label"
      loading={deps.isLoading}
      style={{ width: '100%' }}
      value={(value as string | null) ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      disabled={disabled}
      options={(deps.data?.departments ?? []).map((d) => ({ value: d.id, label: d.name }))}
    />
  );
}

function DepartmentDisplay({ value, tenant }: DisplayProps) {
  const deps = useDepartments(tenant);
  if (typeof value !== 'string') return null;
  return <span>{deps.data?.departments.find((d) => d.id === value)?.name ?? `${value.slice(0, 8)}…`}</span>;
}

/** A department of the tenant's organisation. */
export const departmentPicker: Widget = { id: 'department-picker', types: ['department'], Editor: DepartmentEditor, Display: DepartmentDisplay };
