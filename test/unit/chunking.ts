// Splits a byte stream at given offsets, for the "any chunking gives the same result" tests of the SSE parser
// and the stream decoders.

/** The pieces of `bytes` cut at `cuts` (repeated offsets and offsets outside 1..length-1 are ignored). */
export function chunkAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const sorted = [...new Set(cuts)].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of sorted) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  out.push(bytes.subarray(prev));
  return out;
}
