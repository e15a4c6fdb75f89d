/** Sources and sinks for the readers' tests (Node 20 has no `Array.fromAsync`). */

/** Every value of an async iterable, in order. */
export async function collect<T>(values: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const value of values) all.push(value);
  return all;
}

/** The bytes in chunks of `size`, so tokens and UTF-8 sequences straddle chunks. */
export async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** A UTF-8 source of these strings, one chunk each. */
export async function* textSource(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part, 'utf8');
}
