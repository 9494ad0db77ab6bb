export * from './types';
export { namePattern, systemColumns, isReservedName, checkName, type NameProblem } from './naming';
export { appSchema } from './schema';
export { normalizeApp, toLocaleText, type FieldTypeCatalogue } from './normalize';
export { cronProblem, isTimeZone } from './cron';
