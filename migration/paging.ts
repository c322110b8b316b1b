/** Small helpers of the copy: a cursor over paged reads, a bounded worker pool, and backoff. */

export interface Page<T> {
  readonly items: ReadonlyArray<T>;
  /** The position after this page; undefined on the last page. */
  readonly lastKey?: unknown;
}

/** Entries of a paged read one at a time; the next page is requested only when needed. */
export class PageCursor<T> {
  private buffer: ReadonlyArray<T> = [];
  private index = 0;
  private position: unknown;
  private exhausted = false;
  private started = false;

  constructor(private readonly fetch: (after: unknown) => Promise<Page<T>>) {}

  async peek(): Promise<T | undefined> {
    while (this.index >= this.buffer.length) {
      if (this.exhausted) return undefined;
      const page = await this.fetch(this.started ? this.position : undefined);
      this.started = true;
      this.buffer = page.items;
      this.index = 0;
      this.position = page.lastKey;
      if (page.lastKey === undefined) this.exhausted = true;
    }
    return this.buffer[this.index];
  }

  async next(): Promise<T | undefined> {
    const value = await this.peek();
    this.index += 1;
    return value;
  }
}

/** Runs `work` on every entry with at most `concurrency` at a time; results keep the input order. */
export async function inParallel<T, R>(entries: ReadonlyArray<T>, concurrency: number, work: (entry: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(entries.length);
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const i = next++;
      results[i] = await work(entries[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, entries.length)) }, worker));
  return results;
}

export const MAX_ATTEMPTS = 8;

/** Repeats `attempt` (true when done) with exponential backoff; gives up after MAX_ATTEMPTS. */
export async function withBackoff(what: string, attempt: () => Promise<boolean>, baseMs = 50): Promise<void> {
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    if (await attempt()) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, baseMs * 2 ** i)));
  }
  throw new Error(`${what}: still unprocessed after ${MAX_ATTEMPTS} attempts`);
}
