/** Bounded concurrency for requests to the API server. */

/** Default number of requests in flight at once. */
export const DEFAULT_CONCURRENCY = 8;

/**
 * Runs `fn` over `items` with at most `limit` calls in flight; results in input order. Once
 * `stop()` says so, the items not yet started are left out (their result is `undefined`).
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  stop: () => boolean = () => false,
): Promise<(R | undefined)[]> {
  const out: (R | undefined)[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length && !stop()) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return out;
}
