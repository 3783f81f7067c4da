// What a function loads once per container (clients, keys): loading starts when the module loads,
// at init, so it is ready before the first request, and every request awaits the same promise.
// A failed load is not cached: the next request tries again.
export function warm<T>(load: () => Promise<T>): () => Promise<T> {
  let shared: Promise<T> | undefined;
  const get = (): Promise<T> =>
    (shared ??= load().catch((error: unknown) => {
      shared = undefined;
      throw error;
    }));
  get().catch(() => undefined);
  return get;
}
