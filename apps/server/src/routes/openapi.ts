import type { FastifyInstance } from 'fastify';
import { route } from '../openapi/declare';
import { tenantOpenApi } from '../openapi/generate';
import { anyObject, tenantParams } from '../openapi/schemas';
import { cspWithInlineScript } from '../plugins/security';
import { tenantOf } from '../plugins/tenant';

const tags = ['docs'];

/** Each tenant's OpenAPI document (for the caller's access; rebuilt when its metadata revision changes) and a browsable page. */
export async function openapiRoutes(app: FastifyInstance): Promise<void> {
  // Keyed by the compiled model itself: one tenant of one database at one revision (a schema name
  // and revision number could repeat across databases in one process). One cache per app.
  const cache = app.caches.openapi;
  app.get(
    '/openapi.json',
    {
      schema: route({
        operationId: 'getOpenApi',
        summary: 'This OpenAPI document: every route, and each object’s record operations (for the caller’s access)',
        tags,
        params: tenantParams,
        responses: { 200: { description: 'OpenAPI 3.1', schema: anyObject } },
      }),
    },
    async (req) => {
      const t = await tenantOf(req);
      const model = await t.model();
      // A member gets a document for their own access (no hidden fields); admins share a cached one.
      if (req.access) return tenantOpenApi(model, t.tenant.slug, '/', req.access, app.apiRoutes);
      let doc = cache.get(model);
      if (!doc) cache.set(model, (doc = tenantOpenApi(model, t.tenant.slug, '/', undefined, app.apiRoutes)));
      return doc;
    },
  );

  app.get(
    '/docs',
    {
      schema: route({
        operationId: 'getApiDocsPage',
        summary: 'This tenant’s API, browsable (Swagger UI)',
        tags,
        params: tenantParams,
        responses: { 200: { description: 'A page', content: { 'text/html': { schema: { type: 'string' } } } } },
      }),
    },
    async (req, reply) => {
      const t = await tenantOf(req);
      const specUrl = `/api/v1/t/${encodeURIComponent(t.tenant.slug)}/openapi.json`;
      // The page's one inline script is allowed by its hash; the policy is otherwise the app's.
      const script = `SwaggerUIBundle({ url: ${JSON.stringify(specUrl)}, dom_id: '#ui', withCredentials: true });`;
      reply.type('text/html; charset=utf-8').header('content-security-policy', cspWithInlineScript(script));
      return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>Tangram API — ${t.tenant.slug}</title>
<link rel="stylesheet" href="/docs/static/swagger-ui.css"></head><body><div id="ui"></div>
<script src="/docs/static/swagger-ui-bundle.js"></script>
<script>${script}</script></body></html>`;
    },
  );
}
