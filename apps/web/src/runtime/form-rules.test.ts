import { describe, expect, it } from 'vitest';
import { fieldState } from './form-rules';

const base = { required: false, readOnly: false };

describe('fieldState', () => {
  it('shows a field only while its visibility rule holds', () => {
    const rules = { visible: { '==': [{ var: 'status' }, 'repair'] } };
    expect(fieldState(rules, { status: 'repair' }, base).visible).toBe(true);
    expect(fieldState(rules, { status: 'ok' }, base).visible).toBe(false);
  });

  it('makes a field required when its rule holds and keeps metadata-required fields required', () => {
    const rules = { required: { '>': [{ var: 'amount' }, 1000] } };
    expect(fieldState(rules, { amount: 5000 }, base).required).toBe(true);
    expect(fieldState(rules, { amount: 5 }, base).required).toBe(false);
    expect(fieldState(undefined, {}, { required: true, readOnly: false }).required).toBe(true);
  });

  it("decides a rule as the server's evaluator does: no coercion, null-aware", () => {
    const rules = { visible: { '==': [{ var: 'amount' }, '5'] }, required: { '!=': [{ var: 'owner' }, 'x'] } };
    expect(fieldState(rules, { amount: 5 }, base)).toEqual({ visible: false, required: true, readOnly: false });
    expect(fieldState({ visible: { '<': [{ var: 'amount' }, 10] } }, { amount: null }, base).visible).toBe(false);
  });

  it('leaves a field visible and editable when its rule cannot be evaluated', () => {
    const s = fieldState({ visible: { nope: [1] }, readOnly: { nope: [] } }, {}, base);
    expect(s).toEqual({ visible: true, required: false, readOnly: false });
  });
});
