import { useQuery } from '@tanstack/react-query';
import { Button, Select, Space, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { listMembers, type OrgMember, orgQueries } from '../api/org';
import { useSession } from '../api/session';
import { useI18n } from '../i18n/i18n';
import type { DisplayProps, EditorProps, Widget } from './widget';

function useDepartments(tenant: string) {
  return useQuery(orgQueries.departments(tenant));
}

type Member = OrgMember;

/**
 * Member names by id, fetched in batches: every id asked for in the same tick goes in one
 * request (`/org/members?ids=…`), so a list of 50 rows with an owner column makes one call.
 */
const memberBatches = new Map<string, { ids: Set<string>; result: Promise<Map<string, Member>> }>();
function loadMember(tenant: string, id: string): Promise<Member | null> {
  let batch = memberBatches.get(tenant);
  if (!batch) {
    const ids = new Set<string>();
    const result = new Promise<Map<string, Member>>((resolve, reject) => {
      setTimeout(() => {
        memberBatches.delete(tenant);
        const list = [...ids].slice(0, 500);
        listMembers(tenant, { limit: 500, ids: list })
          .then((r) => resolve(new Map(r.members.map((m) => [m.id, m]))))
          .catch(reject);
      }, 0);
    });
    batch = { ids, result };
    memberBatches.set(tenant, batch);
  }
  batch.ids.add(id);
  return batch.result.then((found) => found.get(id) ?? null);
}

const uuidLike = /^[0-9a-f-]{36}$/i;

function useMember(tenant: string, id: string | null | undefined) {
  return useQuery({ ...orgQueries.member(tenant, id, loadMember), enabled: typeof id === 'string' && uuidLike.test(id) });
}

function useMemberSearch(tenant: string, q: string, enabled: boolean) {
  return useQuery({ ...orgQueries.search(tenant, q), enabled });
}

const memberLabel = (m: Member) => (m.position ? `${m.name} · ${m.position}` : m.name);

function UserEditor({ id, value, onChange, disabled, tenant }: EditorProps) {
  const session = useSession();
  const { lang } = useI18n();
  const me = session.data?.user;
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQ(typed.trim()), 250);
    return () => clearTimeout(timer);
  }, [typed]);
  const current = useMember(tenant, value as string | null);
  const search = useMemberSearch(tenant, q, open);
  const options = new Map<string, Member>();
  if (current.data) options.set(current.data.id, current.data);
  for (const m of search.data?.members ?? []) options.set(m.id, m);
  return (
    <Space.Compact style={{ width: '100%' }}>
      <Select
        id={id}
        showSearch
        allowClear
        filterOption={false}
        style={{ width: '100%' }}
        value={(value as string | null) ?? undefined}
        onChange={(v?: string) => onChange?.(v ?? null)}
        onSearch={setTyped}
        onDropdownVisibleChange={setOpen}
        loading={search.isFetching}
        disabled={disabled}
        notFoundContent={search.isFetching ? <Spin size="small" /> : undefined}
        options={[...options.values()].map((m) => ({
          value: m.id,
          label: memberLabel(m),
          title: m.email ?? m.name,
        }))}
      />
      {me && (
        <Button onClick={() => onChange?.(me.id)} disabled={disabled}>
          {lang === 'en' ? 'Me' : '我'}
        </Button>
      )}
    </Space.Compact>
  );
}

/** A member's name by id (batched with every other name on the page); the id's start if they are not a member. */
export function MemberName({ tenant, id }: { tenant: string; id: string }) {
  const member = useMember(tenant, id);
  return <span title={member.data?.email ?? id}>{member.data?.name ?? (member.isLoading ? '…' : `${id.slice(0, 8)}…`)}</span>;
}

function UserDisplay({ value, tenant }: DisplayProps) {
  if (typeof value !== 'string') return null;
  return <MemberName tenant={tenant} id={value} />;
}

/** A tenant member, searched by name, email or position (the current user with one click). */
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
