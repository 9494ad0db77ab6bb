import type { FastifyInstance } from 'fastify';
import { tenantOpenApi } from '../openapi/generate';
import { cspWithInlineScript } from '../plugins/security';
import { tenantOf } from '../plugins/tenant';

const cache = new Map<string, { revision: number; doc: unknown }>();

/** Each tenant's OpenAPI document (for the caller's access; rebuilt when its metadata revision changes) and a browsable page. */
export async function openapiRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/v1/t/:tenant/openapi.json', async (req) => {
    const t = await tenantOf(req);
    const model = await t.model();
    // A member gets a document for their own access (no hidden fields); admins share a cached one.
    if (req.access) return tenantOpenApi(model, t.tenant.slug, '/', req.access);
    const key = t.tenant.schema;
    const hit = cache.get(key);
    if (hit && hit.revision === model.revision) return hit.doc;
    const doc = tenantOpenApi(model, t.tenant.slug);
    cache.set(key, { revision: model.revision, doc });
    return doc;
  });

  app.get('/api/v1/t/:tenant/docs', async (req, reply) => {
    const t = await tenantOf(req);
    const specUrl = `/api/v1/t/${encodeURIComponent(t.tenant.slug)}/openapi.json`;
    // The page's one inline script is allowed by its hash; the policy is otherwise the app's.
    const script = `SwaggerUIBundle({ url: ${JSON.stringify(specUrl)}, dom_id: '#ui', withCredentials: true });`;
    reply.type('text/html; charset=utf-8').header('content-security-policy', cspWithInlineScript(script));
    return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>Tangram API — ${t.tenant.slug}</title>
<link rel="stylesheet" href="/docs/static/swagger-ui.css"></head><body><div id="ui"></div>
<script src="/docs/static/swagger-ui-bundle.js"></script>
<script>${script}</script></body></html>`;
  });
}
