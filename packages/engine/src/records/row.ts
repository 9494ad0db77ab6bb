// A row's record shape moved down to model/row.ts (query and schema need it too; docs/adr/0007-engine-layering.md).
export { type RecordData, rowToRecord } from '../model/row';
