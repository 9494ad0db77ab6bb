import { processFromBpmn } from '@tangram/bpmn';
import { AppError, type Problem } from '@tangram/errors';
import { resolveApp } from '@tangram/fields';
import type { Process, ResolvedApp } from '@tangram/metadata';
import type { Db } from '../db/database';

/**
 * resolveApp with each workflow's diagram read: `bpmn` → `process` (@tangram/bpmn, asynchronous,
 * hence here and not in normalize). The diagram's problems come at `/workflows/<i>/bpmn/<element
 * id>` (or `/workflows/<i>/bpmn` when it is no BPMN at all), together with every other metadata
 * problem in one METADATA_INVALID. A process carried in the input (published metadata read back)
 * is never trusted: it is read again from the diagram.
 */
export async function resolveAppWithWorkflows(input: unknown): Promise<ResolvedApp> {
  const workflows = (input as { workflows?: unknown } | null)?.workflows;
  if (!Array.isArray(workflows) || !workflows.length) return resolveApp(input);
  const problems: Problem[] = [];
  const read = await Promise.all(
    workflows.map(async (w: unknown, i): Promise<unknown> => {
      const bpmn = (w as { bpmn?: unknown } | null)?.bpmn;
      if (typeof w !== 'object' || w === null || typeof bpmn !== 'string' || !bpmn) return w; // the shape check reports it
      const { process: _carried, ...rest } = w as Record<string, unknown>;
      try {
        const process: Process = await processFromBpmn(bpmn);
        return { ...rest, process };
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        const inner = (e.details.problems as Problem[] | undefined) ?? [{ code: e.code, message: e.message }];
        problems.push(...inner.map((p) => ({ ...p, path: p.path ? `/workflows/${i}/bpmn/${p.path}` : `/workflows/${i}/bpmn` })));
        return rest;
      }
    }),
  );
  let resolved: ResolvedApp | undefined;
  try {
    resolved = resolveApp({ ...(input as object), workflows: read });
  } catch (e) {
    if (!(e instanceof AppError) || e.code !== 'METADATA_INVALID' || !problems.length) throw e;
    problems.push(...((e.details.problems as Problem[] | undefined) ?? []));
  }
  if (problems.length) throw AppError.problems('METADATA_INVALID', problems);
  return resolved as ResolvedApp;
}

/**
 * Every approver of kind `role` names a role of the tenant: checked in the publish transaction,
 * after a template's roles are written (ROLE_NOT_FOUND at `/workflows/<i>/bpmn/<step id>`).
 */
export async function checkApproverRoles(db: Db, schema: string, app: ResolvedApp): Promise<void> {
  const wanted: { path: string; role: string; step: string }[] = [];
  (app.workflows ?? []).forEach((w, i) => {
    for (const n of w.process?.nodes ?? []) {
      if (n.kind !== 'userTask' || !Array.isArray(n.approvers)) continue;
      for (const a of n.approvers as { kind?: unknown; type?: unknown; role?: unknown }[])
        if ((a?.kind === 'role' || a?.type === 'role') && typeof a.role === 'string')
          wanted.push({ path: `/workflows/${i}/bpmn/${n.id}`, role: a.role, step: n.name ?? n.id });
    }
  });
  if (!wanted.length) return;
  const names = [...new Set(wanted.map((x) => x.role))];
  const known = new Set((await db.withSchema(schema).selectFrom('_role').select('name').where('name', 'in', names).execute()).map((r) => r.name as string));
  const problems: Problem[] = wanted
    .filter((x) => !known.has(x.role))
    .map((x) => ({
      code: 'ROLE_NOT_FOUND',
      path: x.path,
      message: `the approvers of "${x.step}" name the role "${x.role.slice(0, 100)}", which this tenant does not have`,
    }));
  if (problems.length) throw AppError.problems('METADATA_INVALID', problems);
}
