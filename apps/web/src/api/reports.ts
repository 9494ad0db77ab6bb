import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { components } from './schema';

type Schemas = components['schemas'];

/** A report as a member sees it: its definition, chart and base object's name. */
export type ReportView = Schemas['Report'] & { id: string; objectName: string };
export type DashboardView = Schemas['Dashboard'] & { id: string };
/** What running a report answers: its columns (dimensions, then measures) and grouped rows. */
export type ReportResult = Schemas['ReportResult'];
export type ReportColumn = ReportResult['columns'][number];
export type ReportRow = ReportResult['rows'][number];
/** A dashboard's filter values: a period (days, `to` exclusive), an owner, a department. */
export type DashboardFilterValues = Schemas['DashboardFilters'];

const tenantPath = (tenant: string) => ({ params: { path: { tenant } } });

export const reportQueries = {
  /** The dashboards the caller sees (`home` ones open on the app's home page). */
  dashboards: (tenant: string) =>
    queryOptions({
      queryKey: keys.dashboards(tenant),
      queryFn: async ({ signal }) => (await unwrap(client.GET('/api/v1/t/{tenant}/dashboards', { ...tenantPath(tenant), signal }))).items as DashboardView[],
      staleTime: 60_000,
    }),
  /** One dashboard with the reports of its widgets the caller may run. */
  dashboard: (tenant: string, name: string) =>
    queryOptions({
      queryKey: keys.dashboard(tenant, name),
      queryFn: async ({ signal }) => {
        const r = await unwrap(client.GET('/api/v1/t/{tenant}/dashboards/{dashboard}', { params: { path: { tenant, dashboard: name } }, signal }));
        return { dashboard: r.dashboard as DashboardView, reports: r.reports as ReportView[] };
      },
    }),
  /** A published report run with the dashboard's filters (the previous result stays while new filters run). */
  run: (tenant: string, report: string, filters: DashboardFilterValues) =>
    queryOptions({
      queryKey: keys.reportRun(tenant, report, filters),
      queryFn: ({ signal }) =>
        unwrap(client.POST('/api/v1/t/{tenant}/reports/{report}/run', { params: { path: { tenant, report } }, body: { filters }, signal })),
      placeholderData: keepPreviousData,
    }),
  /** The records behind one cell of a published report, with the filters it ran with. */
  drill: (tenant: string, report: string, body: { filters: DashboardFilterValues; cell: Record<string, unknown>; limit: number }) =>
    queryOptions({
      queryKey: keys.reportDrill(tenant, report, body),
      queryFn: ({ signal }) =>
        unwrap(client.POST('/api/v1/t/{tenant}/reports/{report}/drill', { params: { path: { tenant, report } }, body: { ...body, count: true }, signal })),
    }),
  /** The records behind one cell of a report being designed (the builder's preview). */
  drillDraft: (tenant: string, report: unknown, body: { cell: Record<string, unknown>; limit: number }) =>
    queryOptions({
      queryKey: keys.reportDrill(tenant, '', { report, ...body }),
      queryFn: ({ signal }) =>
        unwrap(client.POST('/api/v1/t/{tenant}/reports/drill', { ...tenantPath(tenant), body: { report: report as never, ...body, count: true }, signal })),
    }),
  /** A report being designed, run as it is (the previous result stays while a change runs). */
  preview: (tenant: string, spec: unknown, enabled: boolean) =>
    queryOptions({
      queryKey: keys.reportPreview(tenant, spec),
      queryFn: ({ signal }) => previewReport(tenant, spec, signal),
      placeholderData: keepPreviousData,
      enabled,
      retry: false,
    }),
};

/** Runs a report that is not published yet (the builder's live preview). */
export const previewReport = (tenant: string, spec: unknown, signal?: AbortSignal): Promise<ReportResult> =>
  unwrap(client.POST('/api/v1/t/{tenant}/reports/query', { ...tenantPath(tenant), body: spec as never, signal }));
