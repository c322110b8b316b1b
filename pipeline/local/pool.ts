/** Runs `fn` over `items`, at most `concurrency` at a time; rejects with the first error after all started work settles. */
export async function runPool<T>(items: ReadonlyArray<T>, concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let firstError: unknown;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (e) {
        firstError ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  if (firstError !== undefined) throw firstError;
}
