/** A FIFO mutex. `acquire` resolves with a release function. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  get pending(): number {
    return this.waiting;
  }

  acquire(timeoutMs = 60_000): Promise<() => void> {
    this.waiting++;
    let release!: () => void;
    const next = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.tail;
    this.tail = previous.then(() => next);
    return new Promise((resolve, reject) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        this.waiting--;
        reject(new Error(`PGlite connection not free after ${timeoutMs} ms: is the database used outside the transaction that holds it?`));
      }, timeoutMs);
      timer.unref?.();
      previous.then(() => {
        clearTimeout(timer);
        if (timedOut) {
          release();
          return;
        }
        this.waiting--;
        let released = false;
        resolve(() => {
          if (!released) {
            released = true;
            release();
          }
        });
      });
    });
  }
}
