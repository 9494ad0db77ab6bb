import type { DashboardFilterValues, DrillOptions, ReportSpec } from '@tangram/engine';
import { appSchema } from '@tangram/metadata';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { named, route } from '../openapi/declare';
import { RecordPage, tenantParams } from '../openapi/schemas';
import { actionContext, tenantOf } from '../plugins/tenant';

// Reports and dashboards (issue 16): an ad-hoc report (the builder's live preview), a published
// report run with a dashboard's filters, the records behind a cell, and the dashboards a member
// sees. Every report runs as the caller: their read scope applies, and a field they may not read
// cannot be grouped, filtered or measured (packages/engine/src/reports).

const tags = ['reports'];
const str = { type: 'string' } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;
const reportShape = appSchema.properties.reports.items;
const dashboardShape = appSchema.properties.dashboards.items;

const ReportQuery = named('ReportQuery', {
  type: 'object',
  title: 'A report: a base object and its filter, dimensions (rows, columns) and measures',
  required: ['object', 'values'],
  additionalProperties: false,
  properties: {
    object: { type: 'string', minLength: 1, maxLength: 100 },
    filter: { description: 'JSON Logic over the base object’s fields' },
    rows: reportShape.properties.rows,
    columns: reportShape.properties.columns,
    values: reportShape.properties.values,
    sort: reportShape.properties.sort,
    top: reportShape.properties.top,
    subtotals: reportShape.properties.subtotals,
    fiscalYearStart: { type: 'integer' },
    limit: { type: 'integer' },
  },
});

const ReportResult = named('ReportResult', {
  type: 'object',
  required: ['columns', 'rows', 'truncated'],
  properties: {
    columns: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'role', 'kind'],
        properties: {
          key: str,
          role: { enum: ['row', 'column', 'value'] },
          kind: { type: 'string', description: 'A field kind, `user`, `department`, `record` (a lookup) or `number`' },
          field: str,
          bucket: str,
          labelled: { type: 'boolean', description: 'Rows carry `<key>$label` (a record’s title, a user’s or department’s name)' },
        },
      },
    },
    rows: {
      type: 'array',
      items: {
        ...anyObject,
        description:
          'Dimension values and measures by key; `$subtotal` (a row rollup level), `$colSubtotal` (a column rollup level) and `$others` (the rest after top N) when asked',
      },
    },
    truncated: { type: 'boolean', description: 'More groups than `limit`' },
    crossFiltered: {
      type: 'boolean',
      description: 'Run with a cross filter: true when it applied (a report over the clicked report’s object), false when it could not',
    },
  },
});

const DashboardFilters = named('DashboardFilters', {
  type: 'object',
  additionalProperties: false,
  properties: {
    period: {
      type: 'object',
      additionalProperties: false,
      properties: { from: { type: 'string', description: 'YYYY-MM-DD, inclusive' }, to: { type: 'string', description: 'YYYY-MM-DD, exclusive' } },
    },
    owner: { type: 'string', description: 'A user id' },
    department: { type: 'string', description: 'A department id: its members and those of every department below it' },
    cross: {
      type: 'object',
      required: ['report', 'cell'],
      additionalProperties: false,
      description: 'A cell clicked in another widget: reports over the same object keep the records it counts (its dimension values only, not its filter)',
      properties: {
        report: { type: 'string', description: 'The published report (name or id) the cell belongs to' },
        cell: { ...anyObject, description: 'Its dimension values by key, as a drill’s cell' },
      },
    },
  },
});

const drillBody = {
  cell: { ...anyObject, description: 'Dimension values by key; a dimension left out is a subtotal over all its values' },
  measure: { type: 'string', description: 'A measure with its own filter: only the records it measured' },
  limit: { type: 'integer', minimum: 1, maximum: 1000 },
  after: str,
  sort: { type: 'array', maxItems: 5, items: { type: 'object', required: ['field'], properties: { field: str, direction: { enum: ['asc', 'desc'] } } } },
  fields: { type: 'array', maxItems: 200, items: str },
  count: { type: 'boolean' },
} as const;

// Published: normalised (ids, labels, rows, columns and the chart always set).
const Report = named('Report', {
  ...reportShape,
  required: [...reportShape.required, 'id', 'label', 'rows', 'columns', 'chart', 'objectName'],
  additionalProperties: true,
  properties: { ...reportShape.properties, objectName: str },
});
const Dashboard = named('Dashboard', {
  ...dashboardShape,
  required: [...dashboardShape.required, 'id', 'label', 'roles', 'home', 'filters'],
  additionalProperties: true,
});

type Req<P = Record<string, never>, B = unknown> = FastifyRequest<{ Params: { tenant: string } & P; Body: B }>;
type DrillBody = Omit<DrillOptions, 'cell'> & { cell: Record<string, unknown> };

export async function reportRoutes(app: FastifyInstance): Promise<void> {
  app.post(
    '/reports/query',
    {
      schema: route({
        operationId: 'queryReport',
        summary: 'Run a report as the caller (the builder’s live preview): one SQL statement under their read scope',
        tags,
        params: tenantParams,
        body: ReportQuery,
        responses: { 200: { description: 'Grouped rows', schema: ReportResult } },
      }),
    },
    async (req: Req<Record<string, never>, ReportSpec>) => (await tenantOf(req)).reports.query(req.body, actionContext(req)),
  );

  app.post(
    '/reports/drill',
    {
      schema: route({
        operationId: 'drillReport',
        summary: 'The records behind one cell of a report (a bar, a slice, a pivot cell), within the caller’s read scope',
        tags,
        params: tenantParams,
        body: { type: 'object', required: ['report', 'cell'], additionalProperties: false, properties: { report: ReportQuery, ...drillBody } },
        responses: { 200: { description: 'A page of records', schema: RecordPage } },
      }),
    },
    async (req: Req<Record<string, never>, DrillBody & { report: ReportSpec }>) => {
      const { report, ...drill } = req.body;
      return (await tenantOf(req)).reports.drill(report, drill, actionContext(req));
    },
  );

  app.get(
    '/reports',
    {
      schema: route({
        operationId: 'listReports',
        summary: 'The published reports the caller may run (over objects they may read)',
        tags,
        params: tenantParams,
        responses: {
          200: { description: 'Reports', schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: Report } } } },
        },
      }),
    },
    async (req: Req) => ({ items: await (await tenantOf(req)).reports.list(actionContext(req)) }),
  );

  app.post(
    '/reports/:report/run',
    {
      schema: route({
        operationId: 'runReport',
        summary: 'Run a published report as the caller, narrowed by a dashboard’s filters',
        tags,
        params: { type: 'object', required: ['tenant', 'report'], properties: { ...tenantParams.properties, report: str } },
        body: { type: 'object', additionalProperties: false, properties: { filters: DashboardFilters } },
        responses: { 200: { description: 'Grouped rows', schema: ReportResult } },
      }),
    },
    async (req: Req<{ report: string }, { filters?: DashboardFilterValues } | undefined>) =>
      (await tenantOf(req)).reports.run(req.params.report, req.body?.filters ?? {}, actionContext(req)),
  );

  app.post(
    '/reports/:report/drill',
    {
      schema: route({
        operationId: 'drillPublishedReport',
        summary: 'The records behind one cell of a published report, with the dashboard’s filters it ran with',
        tags,
        params: { type: 'object', required: ['tenant', 'report'], properties: { ...tenantParams.properties, report: str } },
        body: { type: 'object', required: ['cell'], additionalProperties: false, properties: { filters: DashboardFilters, ...drillBody } },
        responses: { 200: { description: 'A page of records', schema: RecordPage } },
      }),
    },
    async (req: Req<{ report: string }, DrillBody & { filters?: DashboardFilterValues }>) => {
      const { filters, ...drill } = req.body;
      return (await tenantOf(req)).reports.drillReport(req.params.report, filters ?? {}, drill, actionContext(req));
    },
  );

  app.get(
    '/dashboards',
    {
      schema: route({
        operationId: 'listDashboards',
        summary: 'The dashboards the caller sees (for one of their roles or for everyone); `home` ones open on the app’s home page',
        tags,
        params: tenantParams,
        responses: {
          200: { description: 'Dashboards', schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: Dashboard } } } },
        },
      }),
    },
    async (req: Req) => ({ items: await (await tenantOf(req)).reports.dashboards(actionContext(req)) }),
  );

  app.get(
    '/dashboards/:dashboard',
    {
      schema: route({
        operationId: 'getDashboard',
        summary: 'A dashboard with the reports of the widgets the caller may run',
        tags,
        params: { type: 'object', required: ['tenant', 'dashboard'], properties: { ...tenantParams.properties, dashboard: str } },
        responses: {
          200: {
            description: 'The dashboard',
            schema: { type: 'object', required: ['dashboard', 'reports'], properties: { dashboard: Dashboard, reports: { type: 'array', items: Report } } },
          },
        },
      }),
    },
    async (req: Req<{ dashboard: string }>) => (await tenantOf(req)).reports.dashboard(req.params.dashboard, actionContext(req)),
  );
}
