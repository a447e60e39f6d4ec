/**
 * A concurrency limit with a FIFO wait line: what sits in front of a GPU or a model replica.
 * Reports how long each job waited (the SDK's `queueWait`) and the line's length on every
 * change (the SDK's queue depth gauge).
 */
export class WorkQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly onDepth: (depth: number) => void = () => {},
  ) {}

  /** Jobs waiting for a slot now. */
  get depth(): number {
    return this.waiting.length;
  }

  /** Runs `job` when a slot is free; `job` gets the seconds it waited. */
  async run<T>(job: (waitedSeconds: number) => Promise<T>): Promise<T> {
    const queuedAt = performance.now();
    if (this.running < this.concurrency) {
      this.running++;
    } else {
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        this.onDepth(this.waiting.length);
      });
    }
    try {
      return await job((performance.now() - queuedAt) / 1000);
    } finally {
      const next = this.waiting.shift();
      if (next) {
        this.onDepth(this.waiting.length);
        next(); // hand the slot over
      } else {
        this.running--;
      }
    }
  }
}

/** A small least-recently-used cache. */
export class LruCache<V> {
  private readonly map = new Map<string, V>();
  lookups = 0;
  hits = 0;

  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    this.lookups++;
    const v = this.map.get(key);
    if (v !== undefined) {
      this.hits++;
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }
}
