// Physical names moved down to model/naming.ts (the model compiler needs them; docs/adr/0007-engine-layering.md).
export { columnName, junctionTable, physical, tableName } from '../model/naming';
