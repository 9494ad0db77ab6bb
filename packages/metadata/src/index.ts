export * from './types';
export { namePattern, systemColumns, isReservedName, checkName, type NameProblem } from './naming';
export { appSchema } from './schema';
export { normalizeApp, toLocaleText, type FieldTypeCatalogue } from './normalize';
export { cronProblem, isTimeZone } from './cron';
export {
  compileProcess,
  isGateway,
  approverKinds,
  type ApproverKind,
  type Process,
  type ProcessNode,
  type Flow,
  type Graph,
  type UserTaskNode,
  type ServiceTaskNode,
  type GatewayNode,
  type TimerNode,
  type StartNode,
  type EndNode,
  type ApprovalMode,
  type StepFieldAccess,
} from './process';
