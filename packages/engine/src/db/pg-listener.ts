import pg from 'pg';

/** What a channel's subscriber is told: each payload, and that payloads may have been missed. */
export interface ChannelListener {
  message(payload: string): void;
  /** The listening connection was lost and is back: anything sent meanwhile was missed. */
  reset?(): void;
}

/**
 * One LISTEN connection for a process (outside the pool: a pooled connection would be handed to
 * queries). It connects on the first `listen`, re-listens after a lost connection (telling each
 * listener to resync) and closes with the database.
 */
export class PgListener {
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private readonly channels = new Map<string, Set<ChannelListener>>();
  private closed = false;
  private retryMs = 100;

  constructor(private readonly url: string) {}

  async listen(channel: string, listener: ChannelListener): Promise<() => Promise<void>> {
    let set = this.channels.get(channel);
    const first = !set;
    if (!set) this.channels.set(channel, (set = new Set()));
    set.add(listener);
    const client = await this.connect();
    if (first) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    return async () => {
      set.delete(listener);
      if (set.size || this.channels.get(channel) !== set) return;
      this.channels.delete(channel);
      await this.client?.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => undefined);
    };
  }

  private connect(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.url });
      client.on('notification', (n) => {
        for (const l of this.channels.get(n.channel) ?? []) l.message(n.payload ?? '');
      });
      client.on('error', () => this.lost(client));
      client.on('end', () => this.lost(client));
      try {
        await client.connect();
      } finally {
        this.connecting = undefined;
      }
      this.client = client;
      this.retryMs = 100;
      return client;
    })();
    return this.connecting;
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    if (this.closed || this.channels.size === 0) return;
    const retry = () => {
      if (this.closed) return;
      this.connect()
        .then(async (c) => {
          for (const channel of this.channels.keys()) await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
          for (const set of this.channels.values()) for (const l of set) l.reset?.();
        })
        .catch(() => {
          this.retryMs = Math.min(this.retryMs * 2, 10_000);
          setTimeout(retry, this.retryMs).unref();
        });
    };
    setTimeout(retry, this.retryMs).unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.channels.clear();
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
