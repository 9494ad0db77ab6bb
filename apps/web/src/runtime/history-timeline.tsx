import type { ObjectDef } from '@tangram/metadata';
import { useQuery } from '@tanstack/react-query';
import { Empty, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMetadata } from '../api/metadata';
import { recordQueries } from '../api/records';
import { useSession } from '../api/session';
import type { MessageKey } from '../i18n/dictionary';
import { useI18n } from '../i18n/i18n';
import { MemberName } from '../widgets/people-pickers';
import { FieldDisplay } from '../widgets/registry';

/** Who changed what and when, newest first. */
export function HistoryTimeline({ tenant, object, id }: { tenant: string; object: ObjectDef; id: string }) {
  const { t, label } = useI18n();
  const me = useSession().data?.user;
  const history = useQuery(recordQueries.history(tenant, object.name, id));
  const md = useMetadata(tenant);
  // A change made by a record action (a button) says which one.
  const viaAction = (via: { action?: string } | undefined) => {
    if (!via?.action) return null;
    const a = md.data?.metadata.recordActions?.find((x) => x.id === via.action);
    return (
      <Typography.Text type="secondary" data-testid="history-via-action">
        {' '}
        · {t('history.viaAction', { name: a ? label(a.label, a.name) : via.action })}
      </Typography.Text>
    );
  };
  const entries = [...(history.data?.entries ?? [])].reverse();
  if (!history.isLoading && entries.length === 0) return <Empty />;
  return (
    <Timeline
      data-testid="history"
      items={entries.map((e) => ({
        key: e.version ?? e.at ?? '',
        color: e.action === 'create' ? 'green' : e.action === 'delete' ? 'red' : 'blue',
        children: (
          <div>
            <Typography.Text strong>{e.actor && me?.id === e.actor ? me.name : e.actor ? <MemberName tenant={tenant} id={e.actor} /> : '—'}</Typography.Text>{' '}
            {t(`history.${e.action}` as MessageKey) ?? e.action} ·{' '}
            <Typography.Text type="secondary">{dayjs(e.at).format('YYYY-MM-DD HH:mm:ss')}</Typography.Text> ·{' '}
            {t('record.version', { version: e.version ?? '' })}
            {viaAction(e.via)}
            <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
              {Object.entries(e.changes ?? {})
                .filter(([k]) => object.fields.some((f) => f.name === k))
                .map(([k, c]) => {
                  const f = object.fields.find((x) => x.name === k)!;
                  return (
                    <li key={k}>
                      {label(f.label, k)}: <FieldDisplay field={f} tenant={tenant} value={c.before} /> →{' '}
                      <FieldDisplay field={f} tenant={tenant} value={c.after} />
                    </li>
                  );
                })}
            </ul>
          </div>
        ),
      }))}
    />
  );
}
