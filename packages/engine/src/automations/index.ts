export { type AutomationHost, AutomationRuntime, type OutboundOptions, consumer, dispatchQueue, dispatchSchedule, runQueue } from './runtime';
export type { ActionResult, AutomationRun, RunStatus } from './runs';
export { maxDepth } from './match';
export { type SweepResult, sweepQueue, sweepSchedule } from './sweeps';
export { dueQuery, type SweepWindow } from './sweep-query';
