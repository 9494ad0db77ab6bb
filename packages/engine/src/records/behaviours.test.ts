import { describe, expect, it } from 'vitest';
import type { ObjectModel } from '../model/compile';
import { type Behaviour, Behaviours, type WriteContext, runAfterCommit } from './behaviours';
import type { Tx } from './tx';

function context(action: WriteContext['action'] = 'create'): WriteContext {
  const tx = { afterCommit: [], writes: [] } as unknown as Tx;
  return { tx, om: { name: 'account' } as ObjectModel, action, values: {}, record: {} };
}

function recorder() {
  const ran: string[] = [];
  const b = (name: string, phase: Behaviour['phase'], extra: Partial<Behaviour> = {}): Behaviour =>
    ({ name, phase, actions: ['create', 'update'], run: () => void ran.push(name), ...extra }) as Behaviour;
  return { ran, b };
}

describe('the behaviour registry', () => {
  it('runs a phase in priority order, then in the order registered', async () => {
    const { ran, b } = recorder();
    const reg = new Behaviours([b('second', 'beforeWrite'), b('first', 'beforeWrite', { priority: 10 }), b('third', 'beforeWrite')]);
    await reg.run('beforeWrite', context());
    expect(ran).toEqual(['first', 'second', 'third']);
  });

  it('runs only the behaviours of the phase and the action asked for', async () => {
    const { ran, b } = recorder();
    const reg = new Behaviours([
      b('validate', 'validate'),
      b('write', 'beforeWrite'),
      b('deleteOnly', 'beforeWrite', { actions: ['delete'] }),
      b('inTx', 'inTransaction'),
    ]);
    await reg.run('beforeWrite', context('update'));
    await reg.run('beforeWrite', context('delete'));
    expect(ran).toEqual(['write', 'deleteOnly']);
    expect(reg.registered('validate').map((x) => x.name)).toEqual(['validate']);
    expect(reg.registered(undefined, 'delete').map((x) => x.name)).toEqual(['deleteOnly']);
  });

  it('refuses a second behaviour of the same name and an unknown phase', () => {
    const { b } = recorder();
    const reg = new Behaviours([b('duplicates.check', 'beforeWrite')]);
    expect(() => reg.register(b('duplicates.check', 'validate'))).toThrow(/registered already/);
    expect(() => reg.register(b('odd', 'whenever' as Behaviour['phase']))).toThrow(/unknown phase/);
  });

  it('removes a behaviour with the function register returned', async () => {
    const { ran, b } = recorder();
    const reg = new Behaviours();
    const remove = reg.register(b('temporary', 'validate'));
    remove();
    await reg.run('validate', context());
    expect(ran).toEqual([]);
    expect(reg.registered()).toEqual([]);
  });

  it('queues afterCommit behaviours on the transaction instead of running them', async () => {
    const { ran, b } = recorder();
    const reg = new Behaviours([b('notify', 'afterCommit')]);
    const ctx = context();
    await reg.run('afterCommit', ctx);
    expect(ran).toEqual([]);
    expect(ctx.tx.afterCommit).toHaveLength(1);
    await runAfterCommit(ctx.tx.afterCommit);
    expect(ran).toEqual(['notify']);
  });

  it('runs every afterCommit hook even when one throws, then hands the error on', async () => {
    const { ran, b } = recorder();
    const failing = b('failing', 'afterCommit', {
      run: () => {
        throw new Error('mail server down');
      },
    });
    const reg = new Behaviours([failing, b('after', 'afterCommit')]);
    const ctx = context();
    await reg.run('afterCommit', ctx);
    await expect(runAfterCommit(ctx.tx.afterCommit)).rejects.toThrow('mail server down');
    expect(ran).toEqual(['after']);

    const seen: string[] = [];
    const quiet = new Behaviours([failing], { onAfterCommitError: (_e, name) => void seen.push(name) });
    const ctx2 = context();
    await quiet.run('afterCommit', ctx2);
    await runAfterCommit(ctx2.tx.afterCommit);
    expect(seen).toEqual(['failing']);
  });

  it('runs beforeCommit behaviours once with every write of the transaction', async () => {
    const counts: number[] = [];
    const reg = new Behaviours([{ name: 'count', phase: 'beforeCommit', run: ({ writes }) => void counts.push(writes.length) }]);
    const ctx = context();
    await reg.commit({ tx: ctx.tx, writes: [ctx, ctx] });
    expect(counts).toEqual([2]);
  });
});
