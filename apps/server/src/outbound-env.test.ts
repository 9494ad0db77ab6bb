import { describe, expect, it } from 'vitest';
import { outboundFromEnv } from './cli';

describe('the outbound exceptions and webhook secrets from the environment', () => {
  it('reads allowed hosts (host or host:port, IPv6 in brackets) and secrets by name', () => {
    expect(
      outboundFromEnv({
        TANGRAM_OUTBOUND_ALLOW_HOSTS: ' smtp.internal , 10.0.0.7:8443,[fd00::5]:443,',
        TANGRAM_WEBHOOK_SECRET_ERP: 's1',
        TANGRAM_WEBHOOK_SECRET_Erp_Main: 's2',
        TANGRAM_WEBHOOK_SECRET_EMPTY: '',
        OTHER: 'x',
      }),
    ).toEqual({ allowHosts: ['smtp.internal', '10.0.0.7:8443', '[fd00::5]:443'], secrets: { erp: 's1', erp_main: 's2' } });
    expect(outboundFromEnv({})).toEqual({ allowHosts: [], secrets: {} });
  });

  it('refuses a malformed entry, naming it', () => {
    for (const bad of ['http://smtp.internal', 'smtp.internal:', 'a b', 'smtp.internal:25/x', '*.internal'])
      expect(() => outboundFromEnv({ TANGRAM_OUTBOUND_ALLOW_HOSTS: bad }), bad).toThrow(`"${bad}" is not a host or host:port`);
  });
});
