import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, Suspense } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { ApiError } from './api/http';
import { I18nProvider, useI18n } from './i18n/i18n';
import { Loading } from './runtime/loading';
import { LauncherPage } from './runtime/launcher-page';
import { ListPage } from './runtime/list-page';
import { RequireSession } from './runtime/require-session';
import { SignInPage } from './runtime/sign-in-page';
import { TenantHome, TenantShell } from './runtime/tenant-shell';

// A record page (its form's editors: date, record and people pickers, uploads), search and the
// trash load when opened: a list, the first page people open, does not wait for them.
const RecordPage = lazy(() => import('./runtime/record-page').then((m) => ({ default: m.RecordPage })));
const SearchPage = lazy(() => import('./runtime/search-page').then((m) => ({ default: m.SearchPage })));
const TrashPage = lazy(() => import('./runtime/trash-page').then((m) => ({ default: m.TrashPage })));
// The designer is split out of the runtime's initial JavaScript.
const DesignerRoutes = lazy(() => import('./designer/designer-routes'));
// Tenant administration: the app market and members, for admins only, also split out.
const MarketPage = lazy(() => import('./admin/market-page'));
const MembersPage = lazy(() => import('./admin/members-page'));
const MailPage = lazy(() => import('./admin/mail-page'));
// Approvals: the inbox and the approval view (the record page's approval panel is in the runtime).
const InboxPage = lazy(() => import('./runtime/approvals/inbox-page'));
const ApprovalView = lazy(() => import('./runtime/approvals/approval-view'));
// Dashboards: their charts (ECharts) load only with them.
const DashboardPage = lazy(() => import('./runtime/reports/dashboard-page'));
const lazyPage = (Page: React.ComponentType) => (
  <Suspense fallback={<Loading />}>
    <Page />
  </Suspense>
);

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (count, e) => !(e instanceof ApiError && e.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

const router = createBrowserRouter([
  { path: '/login', element: <SignInPage /> },
  {
    element: <RequireSession />,
    children: [
      { path: '/', element: <LauncherPage /> },
      {
        path: '/t/:tenant',
        element: <TenantShell />,
        children: [
          { index: true, element: <TenantHome /> },
          { path: 'o/:object', element: <ListPage /> },
          { path: 'o/:object/new', element: lazyPage(RecordPage) },
          { path: 'o/:object/r/:id', element: lazyPage(RecordPage) },
          { path: 'dashboards/:dashboard', element: lazyPage(DashboardPage) },
          { path: 'search', element: lazyPage(SearchPage) },
          { path: 'trash', element: lazyPage(TrashPage) },
          { path: 'approvals', element: lazyPage(InboxPage) },
          { path: 'approvals/:id', element: lazyPage(ApprovalView) },
          { path: 'market', element: lazyPage(MarketPage) },
          { path: 'members', element: lazyPage(MembersPage) },
          { path: 'mail', element: lazyPage(MailPage) },
          {
            path: 'design/*',
            element: (
              <Suspense fallback={<Loading />}>
                <DesignerRoutes />
              </Suspense>
            ),
          },
        ],
      },
    ],
  },
]);

function Themed() {
  const { lang } = useI18n();
  dayjs.locale(lang === 'en' ? 'en' : 'zh-cn');
  return (
    <ConfigProvider locale={lang === 'en' ? enUS : zhCN} theme={{ token: { colorPrimary: '#1668dc', borderRadius: 6 } }}>
      <AntApp>
        <RouterProvider router={router} />
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <Themed />
      </I18nProvider>
    </QueryClientProvider>
  );
}
