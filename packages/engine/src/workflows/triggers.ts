import { evaluate, truthy } from '@tangram/logic';
import type { RecordBehaviour } from '../records/behaviours';
import { rowToRecord } from '../records/row';
import { systemTables } from '../db/tables';
import { workflowsOf } from './lock';
import type { WorkflowRuntime } from './runtime';

// Start triggers (metadata `workflows[].start`): `onCreate` starts an instance when a record is
// created (when `when` holds, if given); `when` alone starts one when a record is created with it
// true, or updated so that it becomes true. They run in the record write's transaction, as an
// `inTransaction` behaviour: the record is never visible unlocked, and a start that fails (a step
// set to refuse when nobody approves) refuses the write. See the ADR's addendum.

const holds = (condition: unknown, record: Record<string, unknown> | undefined, now: Date) =>
  !!record && truthy(evaluate(condition, record, { $now: now.toISOString() }));

export function startTriggerBehaviour(runtime: WorkflowRuntime): RecordBehaviour {
  return {
    name: 'workflows.start',
    phase: 'inTransaction',
    priority: 500,
    actions: ['create', 'update'],
    idleFor: (model, om) => !workflowsOf(model, om).workflows.some((wf) => wf.start),
    async run(w) {
      const { workflows } = workflowsOf(w.tx.model, w.om);
      if (!workflows.length || w.tx.ctx.workflow || w.tx.ctx.history || !w.id || !w.row) return;
      const record = rowToRecord(w.om, w.row) as Record<string, unknown>;
      for (const wf of workflows) {
        if (!wf.enabled || !wf.start) continue;
        const when = wf.start.when;
        const go =
          w.action === 'create'
            ? (wf.start.onCreate || when !== undefined) && (when === undefined || holds(when, record, w.tx.now))
            : when !== undefined && holds(when, record, w.tx.now) && !holds(when, w.current as Record<string, unknown> | undefined, w.tx.now);
        if (!go) continue;
        const submitter = w.tx.ctx.actor ?? (record.owner_id as string | null | undefined);
        if (!submitter) continue;
        if (w.action === 'update') {
          const running = await systemTables(w.tx.trx, w.tx.schema)
            .selectFrom('_wf_instance')
            .select('id')
            .where('record_id', '=', w.id)
            .where('workflow', '=', wf.name)
            .where('status', 'in', ['running', 'returned'])
            .executeTakeFirst();
          if (running) continue;
        }
        await runtime.startWithin(w.tx, wf, w.om, w.id, submitter);
      }
    },
  };
}
