// Errors the remote backends (Qdrant, FalkorDB) raise, so callers can fall back to the embedded stores.

/** The remote store could not be reached or did not answer in time; SQLite still holds everything. */
export class RemoteStoreUnavailableError extends Error {
  override readonly name = 'RemoteStoreUnavailableError';

  constructor(
    /** Which backend, e.g. 'FalkorDB' or 'Qdrant'. */
    readonly store: string,
    /** Where it was expected, without credentials. */
    readonly url: string,
    /** What was going on: 'connect', 'query', 'timeout after 5000 ms'... */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${store} at ${url} is unavailable (${detail})`, options);
  }
}
