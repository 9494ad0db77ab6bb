import type { Problem } from '@tangram/errors';

// Where an app's published metadata names a role: recipients and approvers (`{ kind: 'role', role }`
// in automations and in the processes read from workflow diagrams) and the `roles` lists of
// dashboards, record actions and anything else that lists who may see or run it. A role named so
// cannot be deleted: approvals would find nobody, notifications would reach nobody.

/** Every place the metadata names `role`, as problems at their paths. */
export function roleReferences(app: unknown, role: string): Problem[] {
  const found: Problem[] = [];
  const walk = (v: unknown, path: string[]): void => {
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) walk(x, [...path, String(i)]);
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    const o = v as Record<string, unknown>;
    if ((o.kind === 'role' || o.type === 'role') && o.role === role)
      found.push({ code: 'ROLE_IN_USE', path: `/${path.join('/')}`, message: `${where(app, path)} names the role "${role}" as who receives or approves` });
    for (const [k, x] of Object.entries(o)) {
      if (k === 'roles' && Array.isArray(x) && x.includes(role))
        found.push({ code: 'ROLE_IN_USE', path: `/${[...path, k].join('/')}`, message: `${where(app, path)} lists the role "${role}"` });
      walk(x, [...path, k]);
    }
  };
  walk(app, []);
  return found;
}

/** What a path is, by name: `workflow "contract_approval", step "legal_finance"`, `dashboards "my_numbers"`. */
function where(app: unknown, path: string[]): string {
  const parts: string[] = [];
  let at: unknown = app;
  for (const [i, key] of path.entries()) {
    at = (at as Record<string, unknown> | undefined)?.[key];
    const named = at as { name?: unknown; id?: unknown } | undefined;
    if (/^\d+$/.test(key) && named && typeof named === 'object' && (typeof named.name === 'string' || typeof named.id === 'string'))
      parts.push(`${path[i - 1] ?? ''} "${String(named.name ?? named.id)}"`);
  }
  return parts.join(', ') || 'the app';
}
