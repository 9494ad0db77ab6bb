import type { ObjectDef } from '@tangram/metadata';
import { Card, Empty, Input, List, Typography } from 'antd';
import { Link, useSearchParams } from 'react-router';
import { useMetadata, visibleObjects } from '../api/metadata';
import { useRecords } from '../api/records';
import { useI18n } from '../i18n/i18n';
import { titleOf } from '../widgets/record-pickers';
import { useTenant } from './tenant-shell';

function ObjectResults({ tenant, object, q }: { tenant: string; object: ObjectDef; q: string }) {
  const { label } = useI18n();
  const found = useRecords(tenant, object.name, { search: q, limit: 10 });
  const records = found.data?.records ?? [];
  if (!found.isLoading && records.length === 0) return null;
  return (
    <Card size="small" title={label(object.pluralLabel, object.name)} style={{ marginBottom: 12 }} loading={found.isLoading}>
      <List
        size="small"
        dataSource={records}
        renderItem={(r) => (
          <List.Item>
            <Link to={`/t/${tenant}/o/${object.name}/r/${r.id}`}>{titleOf(object, r)}</Link>
          </List.Item>
        )}
      />
    </Card>
  );
}

/** Text search over every object's search fields. */
export function SearchPage() {
  const tenant = useTenant();
  const { t } = useI18n();
  const md = useMetadata(tenant);
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  return (
    <div style={{ maxWidth: 800 }}>
      <Typography.Title level={3}>{t('search.title')}</Typography.Title>
      <Input.Search
        aria-label={t('common.search')}
        defaultValue={q}
        key={q}
        enterButton
        allowClear
        onSearch={(v) => setParams(v ? { q: v } : {})}
        style={{ marginBottom: 16 }}
      />
      {q ? (
        visibleObjects(md.data?.metadata).map((o) => <ObjectResults key={o.name} tenant={tenant} object={o} q={q} />)
      ) : (
        <Empty description={t('search.hint')} />
      )}
    </div>
  );
}
