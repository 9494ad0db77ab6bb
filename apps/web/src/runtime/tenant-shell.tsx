import {
  AppstoreTwoTone,
  AuditOutlined,
  BuildOutlined,
  DashboardOutlined,
  DeleteOutlined,
  LinkOutlined,
  MenuOutlined,
  SearchOutlined,
  ShopOutlined,
  TableOutlined,
  MailOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import type { MenuItem, ResolvedApp } from '@tangram/metadata';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Drawer, Grid, Input, Layout, Menu, type MenuProps, Typography } from 'antd';
import { lazy, Suspense, useEffect, useState } from 'react';
import { Link, Navigate, Outlet, useLocation, useNavigate, useParams } from 'react-router';
import { useMyAccess } from '../api/access';
import { approvalQueries } from '../api/approvals';
import { keys } from '../api/keys';
import { notificationQueries } from '../api/notifications';
import { reportQueries } from '../api/reports';
import { useMetadata, visibleObjects } from '../api/metadata';
import { useSession } from '../api/session';
import { useI18n } from '../i18n/i18n';
import { ErrorBox, Loading } from './loading';
import { NotificationBell } from './notification-bell';
import { UserMenu } from './user-menu';

export function useTenant(): string {
  return useParams().tenant as string;
}

/** Whether the signed-in user may design this tenant's apps (tenant admin or platform admin). */
/** A tenant admin (or platform admin): members, roles, the app market. */
export function useIsTenantAdmin(tenant: string): boolean {
  const s = useSession().data;
  return Boolean(s?.user.platformAdmin || s?.tenants.find((x) => x.slug === tenant)?.role === 'admin');
}

/** May edit the metadata: a tenant admin, or a member one of whose roles has the designer permission. */
export function useCanDesign(tenant: string): boolean {
  const admin = useIsTenantAdmin(tenant);
  const me = useMyAccess(tenant);
  return admin || me.data?.designer === true;
}

type Items = NonNullable<MenuProps['items']>;

/**
 * The app's menu as designed in its metadata: object lists, saved views, links, groups. Keys are
 * the items' ids (two items may open the same list); `targets` maps each key to where it goes.
 */
function fromMetadata(
  tenant: string,
  app: ResolvedApp,
  items: MenuItem[],
  label: (l: MenuItem['label'], f?: string) => string,
  targets: Map<string, string>,
  readable: (object: string) => boolean,
): Items {
  return items.flatMap((item): Items => {
    const object = app.objects.find((o) => o.id === item.object || o.name === item.object);
    const view = app.views.find((v) => v.id === item.view || v.name === item.view);
    const key = `menu:${item.id}`;
    if (item.children?.length) {
      const children = fromMetadata(tenant, app, item.children, label, targets, readable);
      return children.length ? [{ key: `group:${item.id}`, label: label(item.label, item.id), children }] : [];
    }
    // Entries of objects the member may not read are left out (a group left empty goes too).
    if (object && !readable(object.name)) return [];
    if (object) {
      targets.set(key, `/t/${tenant}/o/${object.name}${view ? `?v=${view.id}` : ''}`);
      return [{ key, icon: <TableOutlined />, label: label(item.label, object.name) }];
    }
    targets.set(key, item.url ?? '');
    return [{ key, icon: <LinkOutlined />, label: label(item.label, item.id) }];
  });
}

function useMenuItems(tenant: string, app: ResolvedApp | undefined, canDesign: boolean): { items: Items; targets: Map<string, string> } {
  const { t, label } = useI18n();
  const admin = useIsTenantAdmin(tenant);
  const me = useMyAccess(tenant);
  const readable = (name: string) => me.data?.objects[name]?.read !== false;
  const objects = visibleObjects(app).filter((o) => readable(o.name));
  const dashboards = useQuery(reportQueries.dashboards(tenant)).data ?? [];
  const targets = new Map<string, string>();
  const items: Items = [
    {
      key: 'objects',
      type: 'group',
      // The app's own label, unless it is only the default one (its name).
      label: app?.label && label(app.label, app.name) !== app.name ? label(app.label) : t('nav.objects'),
      children: app?.menu?.length
        ? fromMetadata(tenant, app, app.menu, label, targets, readable)
        : objects.map((o) => ({ key: `/t/${tenant}/o/${o.name}`, icon: <TableOutlined />, label: label(o.pluralLabel, o.name) })),
    },
    ...(dashboards.length
      ? [
          {
            key: 'dashboards',
            type: 'group' as const,
            label: t('nav.dashboards'),
            children: dashboards.map((d) => ({ key: `/t/${tenant}/dashboards/${d.name}`, icon: <DashboardOutlined />, label: label(d.label, d.name) })),
          },
        ]
      : []),
    { type: 'divider' },
    { key: `/t/${tenant}/approvals`, icon: <AuditOutlined />, label: <ApprovalsLabel tenant={tenant} /> },
    { key: `/t/${tenant}/search`, icon: <SearchOutlined />, label: t('nav.search') },
    { key: `/t/${tenant}/trash`, icon: <DeleteOutlined />, label: t('nav.trash') },
    ...(canDesign ? [{ key: `/t/${tenant}/design`, icon: <BuildOutlined />, label: t('user.designer') }] : []),
    ...(admin
      ? [
          { key: `/t/${tenant}/market`, icon: <ShopOutlined />, label: t('nav.market') },
          { key: `/t/${tenant}/members`, icon: <TeamOutlined />, label: t('nav.members') },
          { key: `/t/${tenant}/mail`, icon: <MailOutlined />, label: t('nav.mail') },
        ]
      : []),
  ];
  return { items, targets };
}

/**
 * 审批 in the navigation with its counts: 待办 (red) and unread 抄送我 (blue). Read again after
 * approval actions (they invalidate the approvals' queries) and whenever a notification arrives
 * (a new task or copy comes with one).
 */
function ApprovalsLabel({ tenant }: { tenant: string }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const counts = useQuery(approvalQueries.counts(tenant)).data;
  const unread = useQuery(notificationQueries.unread(tenant)).data?.count;
  useEffect(() => {
    if (unread !== undefined) void qc.invalidateQueries({ queryKey: keys.approvalCounts(tenant) });
  }, [unread, qc, tenant]);
  const todo = counts?.todo ?? 0;
  const cc = counts?.cc ?? 0;
  return (
    <span data-testid="nav-approvals" title={t('approvals.badge', { todo, cc })}>
      {t('nav.approvals')}
      {todo > 0 && <Badge count={todo} size="small" style={{ marginInlineStart: 6 }} data-testid="approvals-todo-count" />}
      {cc > 0 && <Badge count={cc} size="small" color="blue" style={{ marginInlineStart: 4 }} data-testid="approvals-cc-count" />}
    </span>
  );
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
  const { items, targets } = useMenuItems(tenant, md.data?.metadata, canDesign);
  const path = location.pathname.match(/^\/t\/[^/]+\/(o\/[^/]+|dashboards\/[^/]+|search|trash|approvals|design|market|members)/)?.[0] ?? '';
  const here = location.search.startsWith('?v=') ? `${path}${location.search}` : path;
  // The item showing this page: the first one going exactly here, else one opening this object's list.
  const selected = [...targets].find(([, to]) => to === here)?.[0] ?? [...targets].find(([, to]) => to.split('?')[0] === path)?.[0] ?? here;
  const groups = (md.data?.metadata.menu ?? []).filter((m) => m.children?.length).map((m) => `group:${m.id}`);
  const tenantName = session.data?.tenants.find((x) => x.slug === tenant)?.name ?? tenant;

  const menu = (
    <Menu
      key={groups.join()}
      mode="inline"
      selectedKeys={[selected]}
      defaultOpenKeys={groups}
      items={items}
      onClick={({ key }) => {
        setDrawer(false);
        const to = targets.get(key) ?? key;
        if (/^https?:\/\//.test(to)) window.open(to, '_blank', 'noopener');
        else if (to) navigate(to);
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
          <NotificationBell tenant={tenant} />
          <UserMenu />
        </Layout.Header>
        <Layout.Content style={{ padding: phone ? 8 : 20, minWidth: 0 }}>
          {/* A failed refetch keeps the page (and whatever is typed in it) on the metadata it has. */}
          {md.data ? <Outlet /> : md.error ? <ErrorBox error={md.error} /> : <Loading />}
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

// The home dashboard, with its charts, loads only when there is one.
const HomeDashboard = lazy(() => import('./reports/dashboard-page'));

/**
 * The tenant's start page: the first home dashboard the member sees, else the first object's list
 * (or the designer when there is none yet).
 */
export function TenantHome() {
  const tenant = useTenant();
  const md = useMetadata(tenant);
  const canDesign = useCanDesign(tenant);
  const me = useMyAccess(tenant);
  const dashboards = useQuery(reportQueries.dashboards(tenant));
  if (dashboards.isPending && !dashboards.error) return <Loading />;
  const home = dashboards.data?.find((d) => d.home);
  if (home)
    return (
      <Suspense fallback={<Loading />}>
        <HomeDashboard name={home.name} />
      </Suspense>
    );
  const first = visibleObjects(md.data?.metadata).find((o) => me.data?.objects[o.name]?.read !== false);
  if (first) return <Navigate to={`/t/${tenant}/o/${first.name}`} replace />;
  return canDesign ? <Navigate to={`/t/${tenant}/design`} replace /> : null;
}
