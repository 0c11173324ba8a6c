/**
 * WebSocket (un)masking four bytes at a time, for the agent bundle, where it stands in for ws's
 * optional native `bufferutil` (runtime/src/host/agent-bundle.ts). workerd masks every frame it
 * forwards to the agent, and ws's own fallback XORs byte by byte: that loop was the agent's
 * largest JavaScript cost per MB in the SSH profile. Same signatures as bufferutil.
 */

/** The 4-byte mask as one native-endian word, rotated so that byte 0 of the word meets `mask[phase]`. */
function maskWord(mask: Uint8Array, phase: number): number {
  const bytes = new Uint8Array(4);
  for (let k = 0; k < 4; k++) bytes[k] = mask[(phase + k) & 3]!;
  return new Uint32Array(bytes.buffer)[0]!;
}

/** XORs `buffer` (in place) with the mask repeated from its first byte. */
export function unmask(buffer: Uint8Array, mask: Uint8Array): void {
  const length = buffer.length;
  // Bytes up to the first 4-aligned address, then whole words, then the tail.
  const lead = Math.min(length, (4 - (buffer.byteOffset & 3)) & 3);
  let i = 0;
  for (; i < lead; i++) buffer[i] = buffer[i]! ^ mask[i & 3]!;
  const words = (length - i) >>> 2;
  if (words > 0) {
    const word = maskWord(mask, i);
    const view = new Uint32Array(buffer.buffer, buffer.byteOffset + i, words);
    for (let w = 0; w < words; w++) view[w] = view[w]! ^ word;
    i += words * 4;
  }
  for (; i < length; i++) buffer[i] = buffer[i]! ^ mask[i & 3]!;
}

/** Writes `source[0..length)` XOR the mask into `output` at `offset`. */
export function mask(source: Uint8Array, maskBytes: Uint8Array, output: Uint8Array, offset: number, length: number): void {
  output.set(source.subarray(0, length), offset);
  unmask(output.subarray(offset, offset + length), maskBytes);
}
