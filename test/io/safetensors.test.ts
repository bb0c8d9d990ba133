/**
 * safetensors: save -> load round trips (every dtype, F16/BF16 widening and narrowing with exact
 * expected bits), hostile files (each rejected with its own clear SafetensorsError, nothing
 * allocated, engine still usable), streaming in odd-sized chunks with progress.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  F,
  OutOfMemoryError,
  SafetensorsError,
  Tensor,
  createEngine,
  loadSafetensors,
  readSafetensors,
  saveSafetensors,
  type Engine,
  type SafetensorsProgress,
} from '../../dist/src/entries/node.js';
import { loadSafetensorsSync, parseSafetensors } from '../../dist/src/internal.js';
import { f16ToF32Bits, f32BitsToBf16, f32BitsToF16 } from '../../dist/src/io/half.js';
import { useBuild } from '../helpers/engines.js';
import { oddChunks, rawFile, u8 } from './st-helpers.js';

let e: Engine;
beforeAll(async () => {
  e = await useBuild('simd');
});

/** Every dtype, odd and degenerate shapes. */
function sampleDict(): Record<string, Tensor> {
  return {
    'layer.0.weight': Tensor.from(new Float32Array([1.5, -2, 0, -0, Infinity, -Infinity, NaN, 3e-42, 7]), [3, 3]),
    'layer.0.bias': Tensor.from(new Float32Array([0.25]), [1]),
    ids: Tensor.from(new BigInt64Array([0n, -1n, 9007199254740993n, -9223372036854775808n]), [2, 2]),
    'bn.num_batches_tracked': Tensor.from(new BigInt64Array([42n]), []),
    i32: Tensor.from(new Int32Array([-2147483648, 2147483647, 5]), [3]),
    mask: Tensor.from(new Uint8Array([1, 0, 1, 1, 0]), [5], 'bool'),
    bytes: Tensor.from(new Uint8Array([0, 7, 255]), [1, 3], 'uint8'),
    empty: Tensor.zeros([0, 4]),
  };
}

describe('safetensors round trip', () => {
  it('saveSafetensors returns a Uint8Array over its own whole ArrayBuffer, usable as a Response body', async () => {
    const d = sampleDict();
    try {
      const file = saveSafetensors(d);
      expect(file.buffer).toBeInstanceOf(ArrayBuffer);
      expect(file.byteOffset).toBe(0);
      expect(file.buffer.byteLength).toBe(file.byteLength);
      const back = await loadSafetensors(new Response(file));
      expect(Object.keys(back).sort()).toEqual(Object.keys(d).sort());
      for (const t of Object.values(back)) t.dispose();
    } finally {
      for (const t of Object.values(d)) t.dispose();
    }
  });

  it('save -> load gives the same dtypes, shapes, bytes and metadata', () => {
    const before = e.memoryStats().inUseBytes;
    e.scope(() => {
      const d = sampleDict();
      const file = saveSafetensors(d, { metadata: { format: 'pt', note: 'é ✓' } });
      const n = Number(new DataView(file.buffer).getBigUint64(0, true));
      expect((8 + n) % 8).toBe(0);
      const { tensors, metadata } = parseSafetensors(file);
      expect(metadata).toEqual({ format: 'pt', note: 'é ✓' });
      expect(Object.keys(tensors).sort()).toEqual(Object.keys(d).sort());
      for (const [k, t] of Object.entries(d)) {
        expect(tensors[k].dtype, k).toBe(t.dtype);
        expect(tensors[k].shape, k).toEqual(t.shape);
        expect(Array.from(tensors[k].bytes()), k).toEqual(Array.from(t.bytes()));
      }
      // The header stores 8-byte dtypes first, then 4-byte, then 1-byte (golden layout).
      const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + n)));
      const order = Object.entries(header)
        .filter(([k]) => k !== '__metadata__')
        .sort((a: any, b: any) => a[1].data_offsets[0] - b[1].data_offsets[0])
        .map(([, v]: any) => v.dtype);
      expect(order).toEqual(['I64', 'I64', 'F32', 'F32', 'I32', 'F32', 'BOOL', 'U8']); // insertion order within a size
      // A sync load through the other names gives the same.
      const again = loadSafetensors(file);
      expect(Array.from(again['layer.0.weight'].bytes())).toEqual(Array.from(d['layer.0.weight'].bytes()));
      expect(loadSafetensorsSync(file.buffer.slice(0) as ArrayBuffer).ids.toTypedArray()).toEqual(d.ids.toTypedArray());
    });
    expect(e.memoryStats().inUseBytes).toBe(before);
  });

  it('reads a PyTorch golden fixture (header padded with spaces, 0-d and 2-d tensors)', () => {
    const bytes = new Uint8Array(readFileSync(new URL('../fixtures/relu/randn_4x256.safetensors', import.meta.url)));
    e.scope(() => {
      const { tensors, metadata } = parseSafetensors(bytes);
      expect(metadata.op).toBe('relu');
      expect(tensors.input.shape).toEqual([4, 256]);
      const x = tensors.input.toFloat32Array();
      const y = tensors.output.toFloat32Array();
      for (let i = 0; i < x.length; i++) expect(y[i]).toBe(Math.max(x[i], 0));
      // Saving what was read and reading it again is lossless.
      const back = parseSafetensors(saveSafetensors(tensors, { metadata })).tensors;
      expect(Array.from(back.output.bytes())).toEqual(Array.from(tensors.output.bytes()));
    });
  });

  // Expected bits from numpy (float32 -> float16 astype, round to nearest even).
  const F32_IN = [0, -0, 1, -2, 0.5, 65504, 65520, 65519.99, 1e-8, 2 ** -24, 2 ** -25, 3 * 2 ** -26, 2 ** -14, 1 + 2 ** -9 + 2 ** -11, 1 + 2 ** -11, 1 + 3 * 2 ** -11, Infinity, -Infinity, 0.1, -3.14159, 6.1e-5, 1e5];
  const F16_OUT = [0x0, 0x8000, 0x3c00, 0xc000, 0x3800, 0x7bff, 0x7c00, 0x7bff, 0x0, 0x1, 0x0, 0x1, 0x400, 0x3c02, 0x3c00, 0x3c02, 0x7c00, 0xfc00, 0x2e66, 0xc248, 0x3ff, 0x7c00];
  const BF16_OUT = [0x0, 0x8000, 0x3f80, 0xc000, 0x3f00, 0x4780, 0x4780, 0x4780, 0x322c, 0x3380, 0x3300, 0x3340, 0x3880, 0x3f80, 0x3f80, 0x3f80, 0x7f80, 0xff80, 0x3dcd, 0xc049, 0x3880, 0x47c3];

  it('saves F16 and BF16 with round-to-nearest-even bits (numpy-checked) and loads them back widened exactly', () => {
    e.scope(() => {
      const t = Tensor.from(new Float32Array(F32_IN), [F32_IN.length]);
      for (const [dt, want] of [['F16', F16_OUT], ['BF16', BF16_OUT]] as const) {
        const file = saveSafetensors({ w: t }, { floatDtype: dt });
        const n = Number(new DataView(file.buffer).getBigUint64(0, true));
        expect(JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + n))).w.dtype).toBe(dt);
        const got = Array.from(new Uint16Array(file.buffer.slice(8 + n)));
        expect(got.map((h) => h.toString(16)), dt).toEqual(want.map((h) => h.toString(16)));
        const back = loadSafetensorsSync(file).w;
        expect(back.dtype).toBe('float32');
        const widened = want.map((h) => (dt === 'F16' ? f16ToF32Bits(h) : h << 16) >>> 0);
        expect(Array.from(new Uint32Array(back.toFloat32Array().buffer))).toEqual(widened);
      }
    });
  });

  it('widens every one of the 65536 F16 values exactly (against an f64 formula) and narrows them back', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const file = rawFile({ h: { dtype: 'F16', shape: [65536], data_offsets: [0, 131072] } }, u8(all));
    e.scope(() => {
      const got = loadSafetensorsSync(file).h.toFloat32Array();
      const gotBits = new Uint32Array(got.buffer);
      for (let h = 0; h < 65536; h++) {
        const s = h & 0x8000 ? -1 : 1;
        const ex = (h >> 10) & 31;
        const m = h & 1023;
        const ref = ex === 31 ? (m ? NaN : s * Infinity) : ex === 0 ? s * m * 2 ** -24 : s * (1 + m / 1024) * 2 ** (ex - 15);
        if (!Object.is(got[h], ref) && !(Number.isNaN(ref) && Number.isNaN(got[h]))) expect.fail(`F16 0x${h.toString(16)}: got ${got[h]}, expected ${ref}`);
        if (Number.isNaN(ref)) {
          if ((gotBits[h] & 0x7fffff) >>> 13 !== m) expect.fail(`F16 NaN 0x${h.toString(16)} lost its payload`);
        } else if (f32BitsToF16(gotBits[h]) !== h) expect.fail(`F16 0x${h.toString(16)} does not narrow back`);
      }
    });
  });

  it('BF16 loads as the high half of float32 (NaN payload kept) and narrowing keeps NaN quiet', () => {
    const hs = new Uint16Array([0x3f80, 0xbf80, 0x7f80, 0xff80, 0x7fc1, 0x0001, 0x8000, 0x4049]);
    const file = rawFile({ b: { dtype: 'BF16', shape: [2, 4], data_offsets: [0, 16] } }, u8(hs));
    e.scope(() => {
      const t = loadSafetensorsSync(file).b;
      expect(t.shape).toEqual([2, 4]);
      expect(Array.from(new Uint32Array(t.toFloat32Array().buffer))).toEqual(Array.from(hs, (h) => (h << 16) >>> 0));
      expect(f32BitsToBf16(0x7f800001)).toBe(0x7fc0); // signalling NaN with a low payload stays NaN
      expect(f32BitsToF16(0x7f800001)).toBe(0x7e00);
    });
  });
});

/** Every hostile or malformed file, with the words its error must contain. */
const F32x2 = u8(new Float32Array([1, 2]));
const hostile: [string, Uint8Array, RegExp][] = [
  ['empty file', new Uint8Array(0), /0 bytes, shorter than the 8-byte header length/],
  ['5-byte file', new Uint8Array(5), /5 bytes, shorter than the 8-byte/],
  ['header length past the end', rawFile({}, new Uint8Array(0), 1000n), /header length 1000 does not fit in a file of 10 bytes/],
  ['absurd header length', rawFile({}, new Uint8Array(0), 1n << 62n), /header length 4611686018427387904 is absurd/],
  ['header length 0', rawFile('', new Uint8Array(0)), /header length 0 is too short/],
  ['invalid UTF-8', rawFile(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), /not valid UTF-8/],
  ['invalid JSON', rawFile('{"a": '), /not valid JSON/],
  ['JSON array header', rawFile('[1, 2]'), /not a JSON object \(got an array\)/],
  ['JSON null header', rawFile('null'), /not a JSON object \(got null\)/],
  ['JSON number header', rawFile('42'), /not a JSON object \(got number\)/],
  ['entry not an object', rawFile({ w: [1, 2] }), /tensor w: entry must be an object/],
  ['unknown dtype', rawFile({ w: { dtype: 'Q4', shape: [2], data_offsets: [0, 8] } }, F32x2), /tensor w has unsupported dtype "Q4" \(supported: F32, F16, BF16, I64, I32, U8, I8, BOOL\)/],
  ['F64 (not supported)', rawFile({ w: { dtype: 'F64', shape: [1], data_offsets: [0, 8] } }, F32x2), /unsupported dtype "F64"/],
  ['missing dtype', rawFile({ w: { shape: [2], data_offsets: [0, 8] } }, F32x2), /unsupported dtype undefined/],
  ['negative size', rawFile({ w: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, F32x2), /invalid shape \[-2\]/],
  ['fractional size', rawFile({ w: { dtype: 'F32', shape: [1.5], data_offsets: [0, 8] } }, F32x2), /invalid shape \[1.5\]/],
  ['string size', rawFile({ w: { dtype: 'F32', shape: ['2'], data_offsets: [0, 8] } }, F32x2), /invalid shape \["2"\]/],
  ['shape not an array', rawFile({ w: { dtype: 'F32', shape: 2, data_offsets: [0, 8] } }, F32x2), /invalid shape 2: expected an array/],
  ['huge size', rawFile({ w: { dtype: 'F32', shape: [1e300], data_offsets: [0, 8] } }, F32x2), /invalid shape/],
  ['numel overflow', rawFile({ w: { dtype: 'F32', shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 8] } }, F32x2), /absurd shape/],
  ['offsets past the data', rawFile({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, F32x2), /data_offsets \[0, 16\] lie outside the 8-byte data section/],
  ['offsets reversed', rawFile({ w: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, F32x2), /invalid data_offsets \[8,0\]/],
  ['offsets negative', rawFile({ w: { dtype: 'F32', shape: [2], data_offsets: [-8, 0] } }, F32x2), /invalid data_offsets/],
  ['offsets not a pair', rawFile({ w: { dtype: 'F32', shape: [2], data_offsets: [0] } }, F32x2), /invalid data_offsets \[0\]/],
  ['overlapping tensors', rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, F32x2), /tensor b data_offsets \[4, 8\] overlap the previous tensor/],
  ['gap between tensors', rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'U8', shape: [2], data_offsets: [6, 8] } }, F32x2), /leave a gap of 2 bytes after offset 4/],
  ['data not starting at 0', rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, F32x2), /gap of 4 bytes after offset 0/],
  ['trailing bytes', rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, F32x2), /4 bytes after the last tensor/],
  ['shape/byte-size mismatch', rawFile({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, F32x2), /tensor a of shape \[3\] F32 needs 12 bytes, its data_offsets \[0, 8\] span 8/],
  ['F16 byte-size mismatch', rawFile({ a: { dtype: 'F16', shape: [2], data_offsets: [0, 8] } }, F32x2), /needs 4 bytes/],
  ['duplicate tensor name', rawFile('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', F32x2), /the key "a" twice/],
  ['duplicate name spelled with an escape', rawFile('{"a\\u0062":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"ab":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', F32x2), /the key "ab" twice/],
  ['duplicate field', rawFile('{"a":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}}', F32x2), /the key "dtype" twice/],
  ['metadata not an object', rawFile({ __metadata__: ['x'] }), /__metadata__ must be an object of strings/],
  ['metadata value not a string', rawFile({ __metadata__: { tol: 0.001 } }), /__metadata__.tol must be a string, got 0.001/],
];

describe('safetensors hostile files', () => {
  const usable = () => {
    const out = e.scope(() => F.relu(Tensor.from([-1, 2, -3], [3])).toFloat32Array());
    expect(Array.from(out)).toEqual([0, 2, 0]);
  };

  it.each(hostile)('%s (bytes): clear SafetensorsError, nothing allocated, engine usable', (_, bytes, msg) => {
    const s0 = e.memoryStats();
    expect(() => parseSafetensors(bytes)).toThrow(SafetensorsError);
    expect(() => parseSafetensors(bytes)).toThrow(msg);
    const s1 = e.memoryStats();
    expect(s1.inUseBytes).toBe(s0.inUseBytes);
    expect(s1.blocks).toBe(s0.blocks);
    usable();
  });

  it.each(hostile.filter(([name]) => !['offsets past the data', 'trailing bytes', 'header length past the end'].includes(name)))(
    '%s (stream in odd chunks): the same error before any data, nothing left allocated',
    async (_, bytes, msg) => {
      const s0 = e.memoryStats();
      await expect(readSafetensors(oddChunks(bytes))).rejects.toThrow(msg);
      expect(e.memoryStats().inUseBytes).toBe(s0.inUseBytes);
      usable();
    },
  );

  it('stream cases only a stream can show: truncated header, truncated data, data past the end', async () => {
    const good = rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, F32x2);
    const s0 = e.memoryStats();
    await expect(readSafetensors(oddChunks(good.subarray(0, 20)))).rejects.toThrow(/stream ended after 20 bytes, inside the \d+-byte header/);
    await expect(readSafetensors(oddChunks(good.subarray(0, 5)))).rejects.toThrow(/5 bytes, shorter than the 8-byte/);
    await expect(readSafetensors(oddChunks(good.subarray(0, good.byteLength - 3)))).rejects.toThrow(/data ended after \d+ of \d+ bytes \(tensor a is incomplete\)/);
    const long = new Uint8Array(good.byteLength + 4);
    long.set(good);
    await expect(readSafetensors(oddChunks(long))).rejects.toThrow(/more data than the header describes/);
    expect(e.memoryStats().inUseBytes).toBe(s0.inUseBytes);
    usable();
  });

  it('a file larger than the engine memory limit fails with OutOfMemoryError before the data is read', async () => {
    const small = await createEngine({ simd: 'simd', maxMemoryBytes: 8 << 20 });
    const header = rawFile({ a: { dtype: 'F32', shape: [1024], data_offsets: [0, 4096] }, big: { dtype: 'F16', shape: [4 << 20], data_offsets: [4096, 4096 + (8 << 20)] } });
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(ctl) {
        pulled++;
        if (pulled === 1) ctl.enqueue(header);
        else ctl.enqueue(new Uint8Array(4096));
      },
    }, { highWaterMark: 0 });
    const s0 = small.memoryStats();
    await expect(readSafetensors(stream, { engine: small })).rejects.toThrow(OutOfMemoryError);
    expect(pulled).toBe(1);
    expect(small.memoryStats().inUseBytes).toBe(s0.inUseBytes);
    const t = Tensor.from([1, 2, 3], [3], 'float32', small);
    expect(Array.from(t.toFloat32Array())).toEqual([1, 2, 3]);
    t.dispose();
  });

  it('a non-OK HTTP response is reported with its status', async () => {
    await expect(loadSafetensors(new Response('<html>', { status: 404, statusText: 'Not Found' }))).rejects.toThrow(/HTTP 404 Not Found/);
  });
});

describe('safetensors streaming', () => {
  function bigDict(): Record<string, Tensor> {
    const n = 50_003;
    const a = new Float32Array(n).map((_, i) => Math.sin(i) * 100);
    return {
      'a.weight': Tensor.from(a, [n]),
      'b.weight': Tensor.from(new Float32Array(777).map((_, i) => i / 7), [7, 111]),
      'c.ids': Tensor.from(new BigInt64Array([3n, 1n, 4n]), [3]),
      'd.mask': Tensor.from(new Uint8Array([1, 0, 1]), [3], 'bool'),
    };
  }

  for (const floatDtype of ['F32', 'F16', 'BF16'] as const) {
    it(`${floatDtype}: odd chunks (some splitting the header and single half-floats) give the same tensors as the sync path, with progress`, async () => {
      const before = e.memoryStats().inUseBytes;
      const file = e.scope(() => saveSafetensors(bigDict(), { floatDtype }));
      const ref = loadSafetensorsSync(file);
      const seen: SafetensorsProgress[] = [];
      const got = await loadSafetensors(oddChunks(file), { onProgress: (p) => seen.push(p) });
      for (const k of Object.keys(ref)) {
        expect(got[k].shape).toEqual(ref[k].shape);
        expect(got[k].dtype).toBe(ref[k].dtype);
        if (Buffer.compare(Buffer.from(got[k].bytes()), Buffer.from(ref[k].bytes())) !== 0) expect.fail(`${floatDtype} ${k} differs`);
      }
      expect(seen.length).toBeGreaterThan(10);
      expect(seen[0]).toEqual({ loadedBytes: seen[0].loadedBytes, totalBytes: file.byteLength, tensorsLoaded: 0 });
      expect(seen.at(-1)).toEqual({ loadedBytes: file.byteLength, totalBytes: file.byteLength, tensorsLoaded: 4 });
      for (let i = 1; i < seen.length; i++) {
        expect(seen[i].loadedBytes).toBeGreaterThan(seen[i - 1].loadedBytes);
        expect(seen[i].tensorsLoaded).toBeGreaterThanOrEqual(seen[i - 1].tensorsLoaded);
      }
      for (const t of [...Object.values(ref), ...Object.values(got)]) t.dispose();
      expect(e.memoryStats().inUseBytes).toBe(before);
    });
  }

  it('accepts a fetch Response and an async iterable, and a progress callback that throws aborts cleanly', async () => {
    const file = e.scope(() => saveSafetensors(bigDict()));
    const r = await readSafetensors(new Response(oddChunks(file)));
    expect(r.tensors['b.weight'].shape).toEqual([7, 111]);
    async function* gen() {
      for (let i = 0; i < file.byteLength; i += 1000) yield file.subarray(i, i + 1000);
    }
    const g = await loadSafetensors(gen());
    expect(Array.from(g['c.ids'].toTypedArray())).toEqual([3n, 1n, 4n]);
    for (const t of [...Object.values(r.tensors), ...Object.values(g)]) t.dispose();
    const before = e.memoryStats().inUseBytes;
    let calls = 0;
    await expect(
      loadSafetensors(oddChunks(file), {
        onProgress: () => {
          if (++calls === 5) throw new Error('stop');
        },
      }),
    ).rejects.toThrow('stop');
    expect(e.memoryStats().inUseBytes).toBe(before);
  });

  it('the stream peaks at the float32 size of the weights (no second copy in wasm memory)', async () => {
    const n = 1 << 20;
    const half = new Uint16Array(n).map((_, i) => i & 0x3bff);
    const file = rawFile({ w: { dtype: 'F16', shape: [1024, 1024], data_offsets: [0, 2 * n] } }, u8(half));
    e.arena.resetHighWater();
    const before = e.memoryStats().inUseBytes;
    const { w } = await loadSafetensors(oddChunks(file, [65536, 1, 9999]));
    const peak = e.memoryStats().highWaterBytes - before;
    expect(peak).toBeLessThanOrEqual(4 * n + 64);
    w.dispose();
  });
});
