import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signBody, verifySignature } from './signature';

const body = '{"event":"record.created","id":"evt_1"}';
const at = new Date('2023-11-14T22:13:20Z'); // unix 1700000000

describe('webhook signatures', () => {
  it('follows the documented scheme: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    // computed independently: printf '%s' '1700000000.<body>' | openssl dgst -sha256 -hmac whsec_test
    expect(signBody('whsec_test', body, 1700000000)).toBe('t=1700000000,v1=2752f0cbf72089ed1a7b643561fef33cbdf0bc75d6533f443d95071e63049f90');
    expect(signBody('whsec_test', new TextEncoder().encode(body), at)).toBe(signBody('whsec_test', body, 1700000000));
  });

  it('verifies what it signs, for any secret and body', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), fc.integer({ min: 0, max: 4_000_000_000 }), (secret, payload, t) => {
        expect(verifySignature(secret, payload, signBody(secret, payload, t), { now: new Date(t * 1000) })).toBe(true);
      }),
    );
  });

  it('detects a changed body, a changed timestamp, a wrong secret and a changed signature', () => {
    const header = signBody('whsec_test', body, at);
    const v = (b: string, h: string, secret = 'whsec_test') => verifySignature(secret, b, h, { now: at });
    expect([
      v(body.replace('evt_1', 'evt_2'), header),
      v(body, header.replace('t=1700000000', 't=1700000001')),
      v(body, header, 'whsec_other'),
      v(
        body,
        header.replace(/v1=(.)/, (_m, c: string) => `v1=${c === '0' ? '1' : '0'}`),
      ),
    ]).toEqual([false, false, false, false]);
  });

  it('refuses a signature older or newer than the tolerance', () => {
    const header = signBody('whsec_test', body, at);
    const later = (s: number) => new Date(at.getTime() + s * 1000);
    expect([
      verifySignature('whsec_test', body, header, { now: later(300) }),
      verifySignature('whsec_test', body, header, { now: later(301) }),
      verifySignature('whsec_test', body, header, { now: later(-301) }),
      verifySignature('whsec_test', body, header, { now: later(3600), toleranceSeconds: 3600 }),
    ]).toEqual([true, false, false, true]);
  });

  it('accepts any one of several secrets or v1 entries while a secret is rotated', () => {
    const oldSig = signBody('old', body, at);
    const newSig = signBody('new', body, at);
    const both = `${newSig},${oldSig.split(',')[1]}`;
    expect([
      verifySignature(['new', 'old'], body, oldSig, { now: at }),
      verifySignature('old', body, both, { now: at }),
      verifySignature('other', body, both, { now: at }),
    ]).toEqual([true, true, false]);
  });

  it('refuses missing and malformed headers', () => {
    const headers = [undefined, '', 't=1700000000', 'v1=abc', 't=abc,v1=00', `t=1700000000,v1=${'zz'.repeat(32)}`];
    expect(headers.map((h) => verifySignature('whsec_test', body, h, { now: at }))).toEqual(Array(headers.length).fill(false));
  });
});
