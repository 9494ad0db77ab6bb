import { PassThrough } from 'node:stream';
import type { InstallProgress, InstallResult } from '@tangram/engine';
import { AppError } from '@tangram/errors';
import type { FastifyInstance } from 'fastify';
import { route } from '../openapi/declare';
import { InstallLine, InstallResult as InstallResultSchema, InstalledPackage, TemplateConflictError, MarketPackage, tenantParams } from '../openapi/schemas';
import { requireTenantAdmin } from '../plugins/auth';
import { errorBody } from '../plugins/errors';
import { tenantOf } from '../plugins/tenant';
import { availableTemplates } from '../templates-registry';

export interface TemplateRouteOptions {
  /** Where packages are read from (default: the repository's templates/). */
  templatesDir?: string;
}

const tags = ['templates'];

/** The app market: the available packages. */
export async function templateRoutes(app: FastifyInstance, opts: TemplateRouteOptions): Promise<void> {
  const registry = () => availableTemplates(opts.templatesDir);

  app.get(
    '/api/v1/templates',
    {
      schema: route({
        operationId: 'listTemplates',
        summary: 'The packages of the app market',
        tags,
        responses: {
          200: {
            description: 'Packages',
            schema: { type: 'object', required: ['templates'], properties: { templates: { type: 'array', items: MarketPackage } } },
          },
        },
      }),
    },
    async () => ({
      templates: [...registry().values()].map((p) => ({
        name: p.manifest.name,
        version: p.manifest.version,
        label: p.manifest.label ?? p.manifest.name,
        description: p.manifest.description ?? null,
        dependencies: p.manifest.dependencies ?? {},
        objects: p.objects.filter((o) => !o.extends).length,
        sampleRecords: p.data.reduce((n, d) => n + d.records.length, 0),
      })),
    }),
  );
}

/** A tenant's packages: installed, install/upgrade and export (registered in the tenant scope). */
export async function tenantTemplateRoutes(app: FastifyInstance, opts: TemplateRouteOptions): Promise<void> {
  const registry = () => availableTemplates(opts.templatesDir);

  app.get(
    '/templates',
    {
      schema: route({
        operationId: 'listInstalledTemplates',
        summary: 'The packages this tenant has installed',
        tags,
        params: tenantParams,
        responses: {
          200: {
            description: 'Installed',
            schema: { type: 'object', required: ['installed'], properties: { installed: { type: 'array', items: InstalledPackage } } },
          },
        },
      }),
    },
    async (req) => ({ installed: await (await tenantOf(req)).templates.installed() }),
  );

  app.post(
    '/templates/install',
    {
      schema: route({
        operationId: 'installTemplate',
        summary: 'Install or upgrade a package (tenant admins); with Accept: application/x-ndjson, progress lines then the result',
        tags,
        params: tenantParams,
        responses: {
          200: {
            description: 'Installed',
            content: { 'application/json': { schema: InstallResultSchema }, 'application/x-ndjson': { schema: InstallLine } },
          },
          409: { description: 'The package and the tenant changed the same things (with onConflict unset or fail): the list', schema: TemplateConflictError },
        },
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', maxLength: 63 },
            sampleData: { type: 'boolean' },
            onConflict: { enum: ['fail', 'keep-mine', 'take-theirs'] },
          },
        },
      }),
    },
    async (req, reply) => {
      requireTenantAdmin(req);
      const t = await tenantOf(req);
      const body = req.body as { name: string; sampleData?: boolean; onConflict?: 'fail' | 'keep-mine' | 'take-theirs' };
      const available = registry();
      if (!available.has(body.name)) throw new AppError('TEMPLATE_NOT_FOUND', { package: body.name });
      const streamed = /application\/x-ndjson/.test(req.headers.accept ?? '');
      // Streamed progress starts once the plan is made: until then (conflicts, invalid packages)
      // errors are answered with their status as usual; after, the last line says how it ended.
      let stream: PassThrough | undefined;
      let started: () => void = () => {};
      const start = new Promise<void>((resolve) => {
        started = resolve;
      });
      const line = (x: unknown) => stream?.write(`${JSON.stringify(x)}\n`);
      const run = t.templates.install(body.name, (n) => available.get(n), {
        sampleData: body.sampleData ?? false,
        onConflict: body.onConflict,
        actor: req.actor ?? null,
        onProgress: streamed
          ? (progress: InstallProgress) => {
              if (!stream) {
                stream = new PassThrough();
                started();
              }
              line({ progress });
            }
          : undefined,
      });
      if (!streamed) return run;
      const first = await Promise.race([run, start]);
      if (!stream) return first as InstallResult;
      const out = stream;
      run.then(
        (result) => out.end(`${JSON.stringify({ result })}\n`),
        (e: unknown) => out.end(`${JSON.stringify(errorBody(req, e))}\n`),
      );
      return reply.type('application/x-ndjson').header('cache-control', 'no-store').send(out);
    },
  );

  app.get(
    '/templates/:name/export',
    {
      schema: route({
        operationId: 'exportTemplate',
        summary: 'Export an installed package with this tenant’s changes (tenant admins)',
        tags,
        params: { type: 'object', required: ['tenant', 'name'], properties: { tenant: { type: 'string' }, name: { type: 'string' } } },
        responses: {
          200: {
            description: 'The package',
            schema: {
              type: 'object',
              required: ['manifest'],
              properties: {
                manifest: {
                  type: 'object',
                  required: ['name', 'version'],
                  properties: { name: { type: 'string' }, version: { type: 'string' } },
                  additionalProperties: true,
                },
              },
              additionalProperties: true,
            },
          },
        },
      }),
    },
    async (req) => {
      requireTenantAdmin(req);
      return (await tenantOf(req)).templates.export((req.params as { name: string }).name);
    },
  );
}
