// Who acts, with which rights, moved down to access/context.ts (access, files and the outbox need it; docs/adr/0007-engine-layering.md).
export type { ActionContext, RecordAction } from '../access/context';
