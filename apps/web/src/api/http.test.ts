import { describe, expect, it } from 'vitest';
import { ApiError, errorFrom, isErrorCode } from './http';

describe('ApiError', () => {
  it('keeps a code of the catalogue as it is', () => {
    const e = errorFrom(409, { error: { code: 'RECORD_VERSION_CONFLICT', message: 'changed', details: { current: { version: 3 } } } }, 'Conflict');
    expect(e).toBeInstanceOf(ApiError);
    expect(e.code).toBe('RECORD_VERSION_CONFLICT');
    expect(e.rawCode).toBe('RECORD_VERSION_CONFLICT');
    expect(e.details.current).toEqual({ version: 3 });
  });

  it('maps a code this build does not know (an older or newer server) to INTERNAL, keeping the raw one', () => {
    const e = errorFrom(
      400,
      { error: { code: 'SOMETHING_NEW', message: 'new', details: { problems: [{ code: 'ALSO_NEW', field: 'x', message: 'm' }] } } },
      'Bad',
    );
    expect(e.code).toBe('INTERNAL');
    expect(e.rawCode).toBe('SOMETHING_NEW');
    expect(e.problems).toEqual([{ code: 'INTERNAL', rawCode: 'ALSO_NEW', field: 'x', message: 'm' }]);
  });

  it('makes an error of an answer that is not the API’s shape', () => {
    const e = errorFrom(502, '<html>Bad gateway</html>', 'Bad Gateway');
    expect([e.code, e.message, e.details, e.problems]).toEqual(['INTERNAL', 'Bad Gateway', {}, []]);
  });

  it('tells codes of the catalogue from others', () => {
    expect(isErrorCode('RECORD_NOT_FOUND')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(42)).toBe(false);
  });
});
