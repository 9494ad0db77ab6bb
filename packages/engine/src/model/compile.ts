import { type FieldType, fieldTypes, kindOf, logicSchema } from '@tangram/fields';
import type { LogicSchema, ValueKind } from '@tangram/logic';
import type { Field, ObjectDef, ResolvedApp } from '@tangram/metadata';
import { junctionTable } from './naming';

export interface FieldModel {
  field: Field;
  name: string;
  column: string;
  type: FieldType;
  kind: ValueKind | null;
}

/** A rollup on another object that must be recomputed when a record of this object changes. */
export interface RollupDependency {
  parent: ObjectModel;
  parentField: FieldModel;
  /** The column of this object that points at the parent. */
  viaColumn: string;
  aggregate: 'count' | 'sum' | 'min' | 'max';
  measureColumn?: string;
}

export interface JunctionModel extends FieldModel {
  table: string;
  target: string;
}

/**
 * Everything the engine needs about one object, worked out once per metadata revision instead of
 * on every request: its active fields by name, column list, formulas, auto-numbers, junctions,
 * detail objects, the rollups it feeds and the condition-language view of it.
 */
export interface ObjectModel {
  def: ObjectDef;
  id: string;
  name: string;
  table: string;
  fields: FieldModel[];
  byName: Map<string, FieldModel>;
  byColumn: Map<string, FieldModel>;
  columnFields: FieldModel[];
  junctions: JunctionModel[];
  formulas: FieldModel[];
  autonumbers: FieldModel[];
  /** Its rollup fields (aggregates over related records). */
  rollups: FieldModel[];
  logic: LogicSchema;
  /** Objects with a master-detail field pointing here, with that field's column. */
  details: { object: ObjectModel; column: string; field: FieldModel }[];
  rollupsFed: RollupDependency[];
  /** Every column to select, system columns first. */
  selectColumns: string[];
}

export interface Model {
  revision: number;
  app: ResolvedApp;
  byName: Map<string, ObjectModel>;
  byId: Map<string, ObjectModel>;
}

export const systemColumnList = ['id', 'created_at', 'created_by', 'updated_at', 'updated_by', 'owner_id', 'version', 'deleted_at', 'deleted_by'] as const;

function fieldModel(f: Field): FieldModel {
  return { field: f, name: f.name, column: f.id, type: fieldTypes[f.type], kind: kindOf(f) };
}

function objectModel(def: ObjectDef): ObjectModel {
  const fields = def.fields.filter((f) => !f.archived).map(fieldModel);
  const columnFields = fields.filter((f) => f.type.storage === 'column');
  return {
    def,
    id: def.id,
    name: def.name,
    table: def.id,
    fields,
    byName: new Map(fields.map((f) => [f.name, f])),
    byColumn: new Map(columnFields.map((f) => [f.column, f])),
    columnFields,
    junctions: fields
      .filter((f) => f.type.storage === 'junction')
      .map((f) => ({ ...f, table: junctionTable(def.id, f.field.id), target: f.field.options.target as string })),
    formulas: fields.filter((f) => f.type.computed === 'expression'),
    autonumbers: fields.filter((f) => f.type.computed === 'sequence'),
    rollups: fields.filter((f) => f.type.computed === 'aggregate'),
    logic: logicSchema(def),
    details: [],
    rollupsFed: [],
    selectColumns: [...systemColumnList, ...columnFields.map((f) => f.column)],
  };
}

/** Compiles published metadata into the engine's working model. Pure; cache it per revision. */
export function compileModel(app: ResolvedApp, revision: number): Model {
  const live = app.objects.filter((o) => !o.archived).map(objectModel);
  const byId = new Map(live.map((o) => [o.id, o]));
  for (const o of live) {
    for (const f of o.fields) {
      if (f.type.reference?.master) {
        const master = byId.get(f.field.options.target as string);
        master?.details.push({ object: o, column: f.column, field: f });
      }
      if (f.type.computed === 'aggregate') {
        const child = byId.get(f.field.options.object as string);
        if (!child) continue;
        child.rollupsFed.push({
          parent: o,
          parentField: f,
          viaColumn: f.field.options.via as string,
          aggregate: f.field.options.aggregate as RollupDependency['aggregate'],
          ...(f.field.options.field ? { measureColumn: f.field.options.field as string } : {}),
        });
      }
    }
  }
  return { revision, app, byName: new Map(live.map((o) => [o.name, o])), byId };
}

/** An object of the model by name or by id (stored references hold ids; people and routes use names). */
export function objectIn(model: Model, ref: unknown): ObjectModel | undefined {
  if (typeof ref !== 'string') return undefined;
  return model.byName.get(ref) ?? model.byId.get(ref);
}
