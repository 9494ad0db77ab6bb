/**
 * Where the engine reads the time. Every due-ness test of the jobs (run_at, leases, schedules)
 * compares against this clock, passed to SQL as a parameter — never the database's now() — so a
 * test can move time and see what a worker would do then.
 * @example const clock = new ManualClock('2026-01-05T08:00:00Z'); clock.advance(3_600_000)
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that moves only when told to (tests, dry runs). */
export class ManualClock implements Clock {
  private ms: number;

  constructor(start: Date | string | number = Date.now()) {
    this.ms = new Date(start).getTime();
    if (Number.isNaN(this.ms)) throw new Error(`ManualClock: not a time: ${String(start)}`);
  }

  now(): Date {
    return new Date(this.ms);
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): Date {
    this.ms += ms;
    return this.now();
  }

  set(to: Date | string | number): Date {
    this.ms = new Date(to).getTime();
    return this.now();
  }
}
