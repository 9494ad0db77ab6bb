import { AppError } from '@tangram/errors';
import { fieldTypes } from '@tangram/fields';
import type { ResolvedApp } from '@tangram/metadata';
import { sql } from 'kysely';
import type { Db } from '../db/database';
import { bumpSchemaEpoch } from '../db/pg-pool';
import { translatePgError } from '../db/pg-errors';
import { junctionTable } from './naming';
import { type PublishOptions, type Revision, currentRevision, toRevision } from './publish';

/**
 * Purges an archived field: drops its column (or junction table) and removes it from the
 * metadata, as a new revision, in one transaction. Only archived fields can be purged, so data
 * is never dropped by an ordinary publish.
 */
export async function purgeField(db: Db, schema: string, objectId: string, fieldId: string, opts: PublishOptions = {}): Promise<Revision> {
  try {
    const rev = await db.transaction().execute(async (trx) => {
      await sql`select set_config('lock_timeout', ${`${opts.lockTimeoutMs ?? 5000}ms`}, true)`.execute(trx);
      await sql`select pg_advisory_xact_lock(hashtext(${`tangram.publish.${schema}`}))`.execute(trx);
      const current = await currentRevision(trx, schema);
      const object = current?.metadata.objects.find((o) => o.id === objectId || o.name === objectId);
      const field = object?.fields.find((f) => f.id === fieldId || (f.archived && f.name === fieldId));
      if (!current || !object) throw new AppError('OBJECT_NOT_FOUND', { object: objectId });
      if (!field) throw new AppError('FIELD_NOT_FOUND', { object: objectId, field: fieldId });
      if (!field.archived) throw new AppError('VALIDATION_FAILED', { field: fieldId, message: 'only an archived field can be purged' });
      if (fieldTypes[field.type].storage === 'junction') await trx.schema.withSchema(schema).dropTable(junctionTable(object.id, field.id)).execute();
      else await sql`alter table ${sql.id(schema, object.id)} drop column ${sql.id(field.id)}`.execute(trx);
      const metadata: ResolvedApp = {
        ...current.metadata,
        objects: current.metadata.objects.map((o) => (o.id === object.id ? { ...o, fields: o.fields.filter((f) => f.id !== field.id) } : o)),
      };
      const actions = [{ kind: 'column.purge', object: object.id, field: field.id }];
      const row = await trx
        .withSchema(schema)
        .insertInto('_meta_revision')
        .values({
          id: current.id + 1,
          created_by: opts.actor ?? null,
          message: opts.message ?? `purge ${object.name}.${field.name}`,
          metadata: JSON.stringify(metadata),
          actions: JSON.stringify(actions),
        })
        .returning(['id', 'created_at', 'created_by', 'message', 'metadata', 'actions'])
        .executeTakeFirstOrThrow();
      return toRevision(row);
    });
    bumpSchemaEpoch();
    return rev;
  } catch (e) {
    throw translatePgError(e);
  }
}
