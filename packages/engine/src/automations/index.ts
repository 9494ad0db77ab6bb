export { type AutomationHost, AutomationRuntime, type OutboundOptions, consumer, dispatchQueue, dispatchSchedule, runQueue } from './runtime';
export type { ActionResult, AutomationRun, RunStatus } from './runs';
export { maxDepth } from './match';
export { type SweepResult, sweepQueue, sweepSchedule } from './sweeps';
export { dueQuery, type SweepWindow } from './sweep-query';
export { type DryRunAction, type DryRunChange, type DryRunInput, type DryRunResult, dryRunAutomation } from './dryrun';
export type { TriggerCheck, TriggerReason } from './dryrun-trigger';
