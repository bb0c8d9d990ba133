/** Helpers for the safetensors tests: hand-made files and chunked streams. */

/** A file with a raw header (object -> JSON, or a string / bytes as is) and raw data. */
export function rawFile(header: unknown, data: Uint8Array = new Uint8Array(0), n?: bigint): Uint8Array {
  const json = header instanceof Uint8Array ? header : new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, n ?? BigInt(json.byteLength), true);
  out.set(json, 8);
  out.set(data, 8 + json.byteLength);
  return out;
}

/** A ReadableStream yielding `bytes` in odd-sized chunks (1, 3, 7, 5, 13, 2, 11, 64, 4093 bytes, repeating). */
export function oddChunks(bytes: Uint8Array, sizes = [1, 3, 7, 5, 13, 2, 11, 64, 4093]): ReadableStream<Uint8Array> {
  let pos = 0;
  let k = 0;
  return new ReadableStream<Uint8Array>({
    pull(ctl) {
      if (pos >= bytes.byteLength) return ctl.close();
      const n = sizes[k++ % sizes.length];
      // A fresh buffer per chunk, starting at an odd byte offset half the time.
      const pad = k & 1;
      const buf = new Uint8Array(n + pad);
      const c = bytes.subarray(pos, pos + n);
      buf.set(c, pad);
      ctl.enqueue(buf.subarray(pad, pad + c.byteLength));
      pos += n;
    },
  });
}

/** Bytes of a Float32Array / Uint16Array etc. */
export const u8 = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
