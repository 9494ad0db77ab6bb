import type { KyselyPlugin, OperationNode, RootOperationNode } from 'kysely';

/** Counts the statements run through the handle, and the selects by table. */
export class StatementCounter implements KyselyPlugin {
  total = 0;
  selects = new Map<string, number>();
  transformQuery(args: { node: RootOperationNode }): RootOperationNode {
    this.total++;
    const node = args.node as OperationNode & { kind: string; from?: { froms: { kind: string; table?: { identifier?: { name?: string } } }[] } };
    if (node.kind === 'SelectQueryNode')
      for (const f of node.from?.froms ?? []) {
        const name = f.table?.identifier?.name;
        if (name) this.selects.set(name, (this.selects.get(name) ?? 0) + 1);
      }
    return args.node;
  }
  async transformResult<T>(args: { result: T }): Promise<T> {
    return args.result;
  }
  /** Statements and selects of `table` made while `fn` runs. */
  async during(table: string, fn: () => Promise<unknown>): Promise<{ total: number; selects: number }> {
    const [total, selects] = [this.total, this.selects.get(table) ?? 0];
    await fn();
    return { total: this.total - total, selects: (this.selects.get(table) ?? 0) - selects };
  }
}
