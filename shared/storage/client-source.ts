// An AWS client given as itself or as a factory called on first use: the S3 and SQS clients a
// function rarely needs are imported only when it does, keeping them off the cold start.

export type ClientSource<T> = T | (() => T | Promise<T>);

/** The client, built (once) the first time it is asked for. */
export function firstUse<T>(source: ClientSource<T>): () => Promise<T> {
  let client: Promise<T> | undefined;
  return () => (client ??= Promise.resolve(typeof source === 'function' ? (source as () => T | Promise<T>)() : source));
}
