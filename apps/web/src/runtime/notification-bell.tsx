import { BellOutlined, SettingOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Badge, Button, Empty, List, Modal, Popover, Space, Switch, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { type Notification, notificationQueries, useMarkNotificationsRead, useNotificationStream, useSetNotificationPreferences } from '../api/notifications';
import { useI18n } from '../i18n/i18n';

/** Where a notification leads in the app: its record's page, or the path it names. */
function target(tenant: string, n: Notification): string | undefined {
  const link = n.link;
  if (!link) return undefined;
  if ('path' in link) return link.path;
  return `/t/${tenant}/o/${encodeURIComponent(link.object)}/r/${encodeURIComponent(link.recordId)}`;
}

function NotificationList({ tenant, onOpen }: { tenant: string; onOpen: () => void }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const list = useInfiniteQuery(notificationQueries.list(tenant));
  const markRead = useMarkNotificationsRead(tenant);
  const items = list.data?.pages.flatMap((p) => p.notifications) ?? [];
  // Read and opened at once: the mark-read finishes (and refreshes the badge) while the record loads.
  const open = (n: Notification) => {
    if (!n.readAt) markRead.mutate([n.id]);
    const to = target(tenant, n);
    onOpen();
    if (to) navigate(to);
  };
  return (
    <div style={{ width: 360, maxWidth: '90vw' }}>
      <List
        loading={list.isLoading}
        dataSource={items}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.empty')} /> }}
        style={{ maxHeight: 420, overflowY: 'auto' }}
        renderItem={(n) => (
          <List.Item
            key={n.id}
            data-testid="notification"
            data-unread={n.readAt ? undefined : 'true'}
            onClick={() => open(n)}
            style={{ cursor: 'pointer', paddingInline: 8, background: n.readAt ? undefined : '#f0f7ff' }}
          >
            <List.Item.Meta
              avatar={n.readAt ? <Badge status="default" /> : <Badge status="processing" title={t('notifications.unread')} />}
              title={
                <Typography.Text strong={!n.readAt} ellipsis>
                  {n.title}
                </Typography.Text>
              }
              description={
                <>
                  {n.body && <div>{n.body}</div>}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {dayjs(n.createdAt).format('YYYY-MM-DD HH:mm')}
                  </Typography.Text>
                </>
              }
            />
          </List.Item>
        )}
      />
      {list.hasNextPage && (
        <Button type="link" block loading={list.isFetchingNextPage} onClick={() => list.fetchNextPage()}>
          {t('notifications.more')}
        </Button>
      )}
    </div>
  );
}

/** The member's channels: in-app always; e-mail on or off per kind they have received. */
function PreferencesModal({ tenant, onClose }: { tenant: string; onClose: () => void }) {
  const { t } = useI18n();
  const prefs = useQuery(notificationQueries.preferences(tenant));
  const save = useSetNotificationPreferences(tenant);
  const kinds = Object.entries(prefs.data?.email ?? {});
  return (
    <Modal open title={t('notifications.settings')} onCancel={onClose} footer={null} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('notifications.inAppAlways')}</Typography.Paragraph>
      <List
        loading={prefs.isLoading}
        dataSource={kinds}
        locale={{ emptyText: t('notifications.noKinds') }}
        renderItem={([kind, email]) => (
          <List.Item key={kind}>
            <Typography.Text code>{kind}</Typography.Text>
            <Space>
              {t('notifications.email')}
              <Switch
                aria-label={t('notifications.emailFor', { kind })}
                checked={email}
                loading={save.isPending && save.variables?.[kind] !== undefined}
                onChange={(on) => save.mutate({ [kind]: on })}
              />
            </Space>
          </List.Item>
        )}
      />
    </Modal>
  );
}

/** The bell in the tenant's header: unread count, the list on click, kept live by the server's event stream. */
export function NotificationBell({ tenant }: { tenant: string }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [settings, setSettings] = useState(false);
  useNotificationStream(tenant);
  const unread = useQuery(notificationQueries.unread(tenant)).data?.count ?? 0;
  const markRead = useMarkNotificationsRead(tenant);
  return (
    <>
      <Popover
        trigger="click"
        placement="bottomRight"
        open={open}
        onOpenChange={setOpen}
        destroyOnHidden
        title={
          <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
            <span>{t('notifications.title')}</span>
            <span>
              <Button size="small" type="link" disabled={!unread} loading={markRead.isPending} onClick={() => markRead.mutate('all')}>
                {t('notifications.markAllRead')}
              </Button>
              <Button
                size="small"
                type="text"
                icon={<SettingOutlined />}
                aria-label={t('notifications.settings')}
                onClick={() => {
                  setOpen(false);
                  setSettings(true);
                }}
              />
            </span>
          </div>
        }
        content={<NotificationList tenant={tenant} onOpen={() => setOpen(false)} />}
      >
        <Button type="text" aria-label={t('notifications.bell', { count: unread })} data-testid="notification-bell">
          <Badge count={unread} size="small">
            <BellOutlined style={{ fontSize: 18 }} />
          </Badge>
        </Button>
      </Popover>
      {settings && <PreferencesModal tenant={tenant} onClose={() => setSettings(false)} />}
    </>
  );
}
