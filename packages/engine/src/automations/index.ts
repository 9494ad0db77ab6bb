export { type AutomationHost, AutomationRuntime, type OutboundOptions, dispatchQueue, dispatchSchedule, runQueue } from './runtime';
export type { ActionResult, AutomationRun, RunStatus } from './runs';
export { maxDepth } from './match';
export { type DryRunAction, type DryRunChange, type DryRunInput, type DryRunResult, dryRunAutomation } from './dryrun';
export type { TriggerCheck, TriggerReason } from './dryrun-trigger';
