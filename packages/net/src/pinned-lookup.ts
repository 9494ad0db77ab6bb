import type { LookupAddress, LookupOptions } from 'node:dns';
import type { ResolvedAddress } from './policy';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for the socket layer that answers only with addresses the guard checked, so the
 * address connected to is the address checked: a name whose DNS answer changes between the check
 * and the connection (DNS rebinding) still connects to the checked one. A name that was not
 * checked gets an error, never a fresh DNS query.
 */
export class PinnedLookup {
  private readonly pinned = new Map<string, ResolvedAddress[]>();

  pin(hostname: string, addresses: ResolvedAddress[]): void {
    this.pinned.set(hostname.toLowerCase(), addresses);
  }

  readonly lookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    const addresses = (this.pinned.get(hostname.toLowerCase()) ?? []).filter((a) => !family || a.family === family);
    const first = addresses[0];
    if (!first) {
      const err: NodeJS.ErrnoException = new Error(`${hostname} was not checked`);
      err.code = 'ENOTFOUND';
      callback(err, '');
      return;
    }
    if (options.all) callback(null, addresses);
    else callback(null, first.address, first.family);
  };
}
