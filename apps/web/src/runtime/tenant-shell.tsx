import { AppstoreTwoTone, BuildOutlined, DeleteOutlined, LinkOutlined, MenuOutlined, SearchOutlined, TableOutlined } from '@ant-design/icons';
import type { MenuItem, ResolvedApp } from '@tangram/metadata';
import { Button, Drawer, Grid, Input, Layout, Menu, type MenuProps, Typography } from 'antd';
import { useState } from 'react';
import { Link, Navigate, Outlet, useLocation, useNavigate, useParams } from 'react-router';
import { useMetadata, visibleObjects } from '../api/metadata';
import { useSession } from '../api/session';
import { useI18n } from '../i18n/i18n';
import { ErrorBox, Loading } from './loading';
import { UserMenu } from './user-menu';

export function useTenant(): string {
  return useParams().tenant as string;
}

/** Whether the signed-in user may design this tenant's apps (tenant admin or platform admin). */
export function useCanDesign(tenant: string): boolean {
  const s = useSession().data;
  return Boolean(s?.user.platformAdmin || s?.tenants.find((x) => x.slug === tenant)?.role === 'admin');
}

type Items = NonNullable<MenuProps['items']>;

/** The app's menu as designed in its metadata: object lists, saved views, links, groups. */
function fromMetadata(tenant: string, app: ResolvedApp, items: MenuItem[], label: (l: MenuItem['label'], f?: string) => string): Items {
  return items.map((item) => {
    const object = app.objects.find((o) => o.id === item.object || o.name === item.object);
    const view = app.views.find((v) => v.id === item.view || v.name === item.view);
    if (item.children?.length) return { key: `group:${item.id}`, label: label(item.label, item.id), children: fromMetadata(tenant, app, item.children, label) };
    if (object) return { key: `/t/${tenant}/o/${object.name}${view ? `?v=${view.id}` : ''}`, icon: <TableOutlined />, label: label(item.label, object.name) };
    return { key: item.url ?? item.id, icon: <LinkOutlined />, label: label(item.label, item.id) };
  });
}

function useMenuItems(tenant: string, app: ResolvedApp | undefined, canDesign: boolean): MenuProps['items'] {
  const { t, label } = useI18n();
  const objects = visibleObjects(app);
  return [
    {
      key: 'objects',
      type: 'group',
      label: app?.label ? label(app.label, t('nav.objects')) : t('nav.objects'),
      children: app?.menu?.length
        ? fromMetadata(tenant, app, app.menu, label)
        : objects.map((o) => ({ key: `/t/${tenant}/o/${o.name}`, icon: <TableOutlined />, label: label(o.pluralLabel, o.name) })),
    },
    { type: 'divider' },
    { key: `/t/${tenant}/search`, icon: <SearchOutlined />, label: t('nav.search') },
    { key: `/t/${tenant}/trash`, icon: <DeleteOutlined />, label: t('nav.trash') },
    ...(canDesign ? [{ key: `/t/${tenant}/design`, icon: <BuildOutlined />, label: t('user.designer') }] : []),
  ];
}

/** The frame of a tenant's app: navigation built from its objects, search, the user menu. */
export function TenantShell() {
  const tenant = useTenant();
  const { t } = useI18n();
  const md = useMetadata(tenant);
  const session = useSession();
  const canDesign = useCanDesign(tenant);
  const navigate = useNavigate();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const phone = screens.md === false;
  const [drawer, setDrawer] = useState(false);
  const items = useMenuItems(tenant, md.data?.metadata, canDesign);
  const path = location.pathname.match(/^\/t\/[^/]+\/(o\/[^/]+|search|trash|design)/)?.[0] ?? '';
  const selected = location.search.startsWith('?v=') ? `${path}${location.search}` : path;
  const tenantName = session.data?.tenants.find((x) => x.slug === tenant)?.name ?? tenant;

  const menu = (
    <Menu
      mode="inline"
      selectedKeys={[selected]}
      items={items}
      onClick={({ key }) => {
        setDrawer(false);
        if (/^https?:\/\//.test(key)) window.open(key, '_blank', 'noopener');
        else navigate(key);
      }}
      style={{ borderInlineEnd: 0 }}
    />
  );
  return (
    <Layout style={{ minHeight: '100vh' }}>
      {!phone && (
        <Layout.Sider width={220} theme="light" style={{ borderRight: '1px solid #f0f0f0' }}>
          <div style={{ padding: '16px 20px' }}>
            <Link to="/">
              <Typography.Title level={4} style={{ margin: 0 }} ellipsis>
                <AppstoreTwoTone /> {tenantName}
              </Typography.Title>
            </Link>
          </div>
          <nav aria-label={t('nav.objects')}>{menu}</nav>
        </Layout.Sider>
      )}
      <Drawer open={drawer} onClose={() => setDrawer(false)} placement="left" width={260} title={tenantName} styles={{ body: { padding: 0 } }}>
        <nav aria-label={t('nav.objects')}>{menu}</nav>
      </Drawer>
      <Layout>
        <Layout.Header
          style={{ background: '#fff', padding: phone ? '0 8px' : '0 24px', display: 'flex', alignItems: 'center', gap: 8, borderBottom: '1px solid #f0f0f0' }}
        >
          {phone && <Button type="text" icon={<MenuOutlined />} aria-label="menu" onClick={() => setDrawer(true)} />}
          <Input.Search
            aria-label={t('common.searchPlaceholder')}
            placeholder={t('common.searchPlaceholder')}
            allowClear
            style={{ maxWidth: 360, flex: 1 }}
            onSearch={(q) => q.trim() && navigate(`/t/${tenant}/search?q=${encodeURIComponent(q.trim())}`)}
          />
          <div style={{ flex: phone ? 0 : 1 }} />
          <UserMenu />
        </Layout.Header>
        <Layout.Content style={{ padding: phone ? 8 : 20, minWidth: 0 }}>
          {md.isLoading ? <Loading /> : md.error ? <ErrorBox error={md.error} /> : <Outlet />}
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

/** The tenant's start page: its first object's list (or the designer when there is none yet). */
export function TenantHome() {
  const tenant = useTenant();
  const md = useMetadata(tenant);
  const canDesign = useCanDesign(tenant);
  const first = visibleObjects(md.data?.metadata)[0];
  if (first) return <Navigate to={`/t/${tenant}/o/${first.name}`} replace />;
  return canDesign ? <Navigate to={`/t/${tenant}/design`} replace /> : null;
}
