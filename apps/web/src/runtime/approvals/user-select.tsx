import { useQuery } from '@tanstack/react-query';
import { Select, Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { type OrgMember, orgQueries } from '../../api/org';
import { useI18n } from '../../i18n/i18n';

const memberLabel = (m: OrgMember) => (m.position ? `${m.name} · ${m.position}` : m.name);

/** Tenant members searched by name, e-mail or position: one (转交, 加签) or several (抄送). */
export function UserSelect<M extends boolean = false>({
  tenant,
  multiple,
  value,
  onChange,
  id,
  exclude = [],
}: {
  tenant: string;
  multiple?: M;
  value?: M extends true ? string[] : string;
  onChange?: (v: M extends true ? string[] : string | undefined) => void;
  id?: string;
  /** Members not offered (e.g. oneself for 转交). */
  exclude?: string[];
}) {
  const { t } = useI18n();
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  // Members once offered, so a chosen one keeps its name when the search moves on.
  const seen = useRef(new Map<string, OrgMember>());
  useEffect(() => {
    const timer = setTimeout(() => setQ(typed.trim()), 250);
    return () => clearTimeout(timer);
  }, [typed]);
  const search = useQuery({ ...orgQueries.search(tenant, q), enabled: open });
  for (const m of search.data?.members ?? []) seen.current.set(m.id, m);
  const chosen = new Set(Array.isArray(value) ? value : value ? [value] : []);
  const options = new Map<string, OrgMember>();
  for (const idOf of chosen) {
    const m = seen.current.get(idOf);
    if (m) options.set(idOf, m);
  }
  for (const m of search.data?.members ?? []) if (!exclude.includes(m.id)) options.set(m.id, m);
  return (
    <Select
      id={id}
      mode={multiple ? 'multiple' : undefined}
      showSearch
      allowClear
      filterOption={false}
      placeholder={t('approvals.pickUser')}
      style={{ width: '100%' }}
      size="large"
      value={value as never}
      onChange={(v) => onChange?.(v as never)}
      onSearch={setTyped}
      onDropdownVisibleChange={setOpen}
      loading={search.isFetching}
      notFoundContent={search.isFetching ? <Spin size="small" /> : undefined}
      options={[...options.values()].map((m) => ({ value: m.id, label: memberLabel(m), title: m.email ?? m.name }))}
    />
  );
}
