export { backends, openTestDatabase, postgresReachable, postgresUrl, uniqueSchemaName, dropSchema } from './databases';
export { setupTenant, failure, type TestTenant } from './engine';
