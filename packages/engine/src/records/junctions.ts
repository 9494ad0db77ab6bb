// The many-to-many link tables moved down to model/junctions.ts (query reads them too; docs/adr/0007-engine-layering.md).
export { readJunctions, writeJunctions } from '../model/junctions';
