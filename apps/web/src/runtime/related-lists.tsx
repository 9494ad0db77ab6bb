import { fieldTypes } from '@tangram/fields';
import type { Field, ObjectDef } from '@tangram/metadata';
import { Card, List } from 'antd';
import { Link } from 'react-router';
import { useMetadata, visibleObjects } from '../api/metadata';
import { useRecords } from '../api/records';
import { useI18n } from '../i18n/i18n';
import { titleOf } from '../widgets/record-pickers';

function RelatedList({ tenant, object, field, id }: { tenant: string; object: ObjectDef; field: string; id: string }) {
  const { label, t } = useI18n();
  const records = useRecords(tenant, object.name, { filter: { '==': [{ var: field }, id] }, limit: 20, count: true });
  const f = object.fields.find((x) => x.name === field);
  return (
    <Card
      size="small"
      title={`${label(object.pluralLabel, object.name)} · ${label(f?.label, field)}`}
      extra={t('list.total', { total: records.data?.total ?? 0 })}
      style={{ marginBottom: 12 }}
    >
      <List
        size="small"
        loading={records.isLoading}
        dataSource={records.data?.records ?? []}
        renderItem={(r) => (
          <List.Item>
            <Link to={`/t/${tenant}/o/${object.name}/r/${r.id}`}>{titleOf(object, r)}</Link>
          </List.Item>
        )}
      />
    </Card>
  );
}

/** A lookup or master-detail field: one record of another object. */
const isSingleReference = (f: Field) => fieldTypes[f.type].reference?.shape === 'single' && fieldTypes[f.type].reference?.toObject === true;

/** Records of other objects whose lookups (or master-detail fields) point at this record. */
export function RelatedLists({ tenant, object, id }: { tenant: string; object: ObjectDef; id: string }) {
  const md = useMetadata(tenant);
  const refs = visibleObjects(md.data?.metadata).flatMap((o) =>
    o.fields.filter((f) => !f.archived && isSingleReference(f) && f.options.target === object.id).map((f) => ({ o, f })),
  );
  return (
    <>
      {refs.map(({ o, f }) => (
        <RelatedList key={`${o.name}.${f.name}`} tenant={tenant} object={o} field={f.name} id={id} />
      ))}
    </>
  );
}
