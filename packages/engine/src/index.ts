export { openDatabase, type Database, type DatabaseOptions, type Db, type Backend } from './db/database';
export { translatePgError } from './db/pg-errors';
export { Engine, TenantEngine, SchemaService, OutboxService, type EngineOptions, type TenantAutomations, filesDirOf } from './engine';
export {
  AutomationRuntime,
  type AutomationRun,
  type ActionResult,
  type RunStatus,
  type OutboundOptions,
  dispatchQueue,
  dispatchSchedule,
  runQueue,
  maxDepth,
  type SweepResult,
  sweepQueue,
  sweepSchedule,
  dueQuery,
  type SweepWindow,
  type DryRunAction,
  type DryRunChange,
  type DryRunInput,
  type DryRunResult,
  type TriggerCheck,
  type TriggerReason,
} from './automations';
export { planMigration, carryArchived } from './schema/plan';
export { type Action, describeAction, isDestructive } from './schema/actions';
export type { Plan, PlannedStep, Revision, PublishOptions } from './schema/publish';
export { compileModel, type Model, type ObjectModel, type FieldModel } from './model/compile';
export type { ActionContext, RecordAction } from './records/context';
export { UserAccess, ObjectAccess, type Viewer, type CompiledScope } from './access/access';
export { AccessService, type Share } from './access/service';
export {
  checkRole,
  type Role,
  type ObjectPermission,
  type Scope,
  type ScopeName,
  type FieldAccess,
  scopeNames,
  scopedActions,
  createActions,
} from './access/roles';
export type { RecordData } from './records/row';
export {
  Behaviours,
  type Behaviour,
  type RecordBehaviour,
  type CommitBehaviour,
  type CommitContext,
  type WriteContext,
  type WriteAction,
  type Phase,
  phases,
  writeActions,
} from './records/behaviours';
export { coreBehaviours } from './records/core-behaviours';
export type { BulkInput } from './records/service';
export type { QueryOptions, QueryResult } from './query/query';
export type { HistoryEntry } from './audit/audit';
export type { OutboxEvent, EventName } from './outbox/outbox';
export type { Tenant } from './tenant/tenants';
export { IdentityService, lockout, type Invitation, type User, type Principal, type TenantRole } from './identity/identity';
export type { AggregateOptions, AggregateFn, DateGrain } from './query/aggregate';
export { applyDraftEdit, type DraftEdit } from './schema/draft-edits';
export { OrgService, type Department, type Member } from './org/org';
export { TemplateService, type InstallOptions, type InstallProgress, type InstallResult, type InstalledPackage } from './templates/service';
export { FileService, type StoredFile, cleanFileName, defaultMaxFileSize } from './files/service';
export type { FileSource } from './files/store';
export { Jobs, type JobsOptions, type StartOptions } from './jobs/jobs';
export { type Clock, ManualClock, systemClock } from './jobs/clock';
export {
  JobLeaseLost,
  type Job,
  type JobRun,
  type JobState,
  type RunOutcome,
  type JobContext,
  type JobHandler,
  type QueueOptions,
  type EnqueueInput,
  type Enqueued,
  type Schedule,
  type ScheduleInput,
  type PassSummary,
} from './jobs/types';
export type { ListJobsOptions } from './jobs/store';
export { NotificationService } from './notifications/service';
export { NotificationHub, notificationChannel } from './notifications/hub';
export { type RecipientRule, type RecipientContext, recipientRuleTypes } from './notifications/recipients';
export type {
  Notification,
  NotificationEvent,
  NotificationLink,
  NotificationPage,
  NotificationPreferences,
  NotificationSource,
  NotifyInput,
  ListOptions as NotificationListOptions,
} from './notifications/types';
export { Mailer, type MailTransport, type MailTenant, type SentMail, notificationMailQueue } from './mail/mailer';
export type { MailSettingsView, MailSettingsInput } from './mail/settings';
export type { DevMail, DevMailFilter } from './mail/mailbox';
export { type RetentionPolicy, defaultRetention } from './maintenance/retention';
export { RecordActionService, type RecordActionResult, type RecordActionView } from './record-actions/service';
export type { CreatedRecord } from './record-actions/steps';
export { compileProcess, type Process, type ProcessNode, type Flow, type UserTaskNode, type ApprovalMode } from './workflows/process';
export { step, startInstance, type Command, type Effect, type Instance, type InstanceStatus, type Task as WorkflowTask } from './workflows/step';
export {
  WorkflowRuntime,
  type ActInput,
  type InstanceView,
  type StartInput,
  type TaskView as WorkflowTaskView,
  timerQueue as workflowTimerQueue,
} from './workflows/runtime';
export { type ActiveInstance, activeInstances, editableFields, managedValues, workflowsOf } from './workflows/lock';
export { type ApproverRule, approverKinds } from './workflows/approvers';
export {
  WorkflowService,
  type ActionInput as ApprovalActionInput,
  type ActionKind as ApprovalActionKind,
  actionKinds as approvalActionKinds,
  type BulkInput as ApprovalBulkInput,
  type SubmitInput as ApprovalSubmitInput,
  type BulkResult as ApprovalBulkResult,
} from './workflows/service';
export type { ApprovalInstance, ApprovalCan, ApprovalUser, InstanceSummary as ApprovalSummary, InboxItem as ApprovalInboxItem } from './workflows/views';
export { type InboxBox, inboxBoxes } from './workflows/inbox';
export { ReportService, type DrillOptions, type DashboardFilterValues, type ReportView } from './reports/service';
export type { ReportSpec, ReportResult, ReportColumn, Dimension as ReportDimension, Measure as ReportMeasure, DateBucket } from './reports/spec';
export { dateBuckets, aggregateFns as reportAggregateFns, computedFns as reportComputedFns, rfmSegments, subtotalModes } from './reports/spec';
