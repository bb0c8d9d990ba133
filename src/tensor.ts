/**
 * Tensor: a strided view (shape, strides and offset in elements, dtype) onto a block of the
 * engine's linear memory, as in PyTorch. Tensors made by from/empty/zeros and by every operator
 * are contiguous and row-major. transpose, permute, t, narrow, select, slice, at, expand,
 * squeeze, unsqueeze, unflatten, split, chunk, unbind, and reshape/view/flatten where the strides
 * allow, make views that share the block, which is freed when its last view is disposed. Use after
 * dispose throws DisposedError.
 *
 * Non-contiguous views and the operators: every operator reads its inputs through `ptr` as dense
 * row-major memory. On a non-contiguous view `ptr` is the address of a contiguous copy made by the
 * strided-copy kernel on first use and cached on the view (freed with it); the copy is remade when
 * the shared memory may have changed since (a data()/bytes() handout, or `ptr` of a contiguous
 * tensor on that memory, which a kernel may write through). A replaced copy is freed after the
 * current synchronous call stack (a microtask), at the next replacement, or when the view is
 * disposed, whichever comes first, so an address an operator already took stays valid through
 * that call. Outputs (`out`) must be contiguous.
 * data() and bytes() (live, writable) throw on a non-contiguous view: use contiguous() first, or
 * the copying readers toTypedArray()/toFloat32Array()/toArray(), which read views correctly.
 */
import { getEngine, type Disposable, type Engine } from './runtime/engine.js';
import { ArgumentError, DisposedError, DTypeError, ShapeError, fmtShape } from './runtime/errors.js';
import { contiguousStrides, copyStrided } from './ops/copy.js';
import { f16ToF32Bits } from './io/half.js';

export type DType = 'float32' | 'int32' | 'int64' | 'bool' | 'uint8' | 'int8' | 'float16';

export const DTYPE_BYTES: Record<DType, number> = { float32: 4, int32: 4, int64: 8, bool: 1, uint8: 1, int8: 1, float16: 2 };

export type TensorData = Float32Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | ArrayLike<number>;

type TypedOf<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'int32'
    ? Int32Array
    : D extends 'int64'
      ? BigInt64Array
      : D extends 'int8'
        ? Int8Array
        : D extends 'float16'
          ? Uint16Array
          : Uint8Array;

/** One block of memory shared by a tensor and its views. */
class Storage {
  refs = 1;
  /** Bumped whenever a writable view is handed out (data(), bytes()): see Tensor.version. */
  version = 0;
  /** Bumped whenever `ptr` of a contiguous view is taken (a kernel may write through it): invalidates the copies cached by non-contiguous views. */
  epoch = 0;
  constructor(
    readonly engine: Engine,
    readonly ptr: number,
  ) {}
  release(): void {
    if (--this.refs === 0) this.engine.arena.free(this.ptr);
  }
}

export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function checkShape(shape: readonly number[], what = 'shape'): number[] {
  if (!Array.isArray(shape)) throw new ShapeError(`${what} must be an array of sizes, got ${String(shape)}`);
  shape.forEach((d, i) => {
    if (typeof d !== 'number') {
      const shown = `[${shape.map((x) => (typeof x === 'string' ? JSON.stringify(x) : String(x))).join(', ')}]`;
      const got = typeof d === 'string' ? `the string ${JSON.stringify(d)}` : d == null ? String(d) : /^[aeiou]/.test(typeof d) ? `an ${typeof d}` : `a ${typeof d}`;
      throw new ShapeError(`${what} ${shown}: size ${i} is ${got}, expected an integer >= 0${typeof d === 'string' ? ` (convert it: Number(${JSON.stringify(d)}))` : ''}`);
    }
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${what} ${fmtShape(shape)} has an invalid size ${d}: sizes are integers >= 0`);
    }
  });
  return shape.slice();
}

/** Before anything is allocated: plain arrays must hold numbers (nested arrays would become NaN), and int64 needs finite values. */
function checkElements(data: TensorData, dt: DType): void {
  if (data instanceof BigInt64Array) return;
  const plain = !ArrayBuffer.isView(data);
  const toInt = dt === 'int64';
  if (!plain && !toInt) return;
  for (let i = 0; i < data.length; i++) {
    const v = (data as ArrayLike<unknown>)[i];
    if (plain && typeof v !== 'number' && typeof v !== 'boolean' && typeof v !== 'bigint') {
      throw new ArgumentError(`Tensor.from: data[${i}] must be a number, got ${Array.isArray(v) ? 'an array (pass flat data and a shape)' : typeof v}`);
    }
    if (toInt && !Number.isFinite(Number(v))) throw new ArgumentError(`Tensor.from: data[${i}] = ${String(v)} cannot be stored as int64, expected a finite number`);
  }
}

function inferDType(data: TensorData): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Uint8Array) return 'bool';
  if (data instanceof Int8Array) return 'int8';
  return 'float32';
}


/** A dim in [-ndim, ndim) made non-negative; a typed error naming `what` otherwise. */
export function normDim(op: string, what: string, dim: unknown, ndim: number): number {
  const lo = -Math.max(ndim, 1);
  const hi = Math.max(ndim, 1) - 1;
  if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < lo || dim > hi) {
    throw new ArgumentError(`${op}: ${what} must be an integer in [${lo}, ${hi}] for a ${ndim}-d tensor, got ${String(dim)}`);
  }
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

/** Strides that give `shape` a view of (oldShape, oldStrides), or null when no view exists (torch's computeStride). */
function viewStrides(oldShape: readonly number[], oldStrides: readonly number[], shape: readonly number[]): number[] | null {
  const numel = numelOf(oldShape);
  if (numel === 0) return contiguousStrides(shape);
  const out = new Array<number>(shape.length);
  let viewD = shape.length - 1;
  let chunkBase = oldStrides[oldStrides.length - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d];
    if (d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= shape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = oldStrides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return out;
}

/** One item of Tensor.at(): an index (select), null or ':' (keep the dim), 'a:b:c' (slice), '...' (the remaining dims). */
export type IndexItem = number | null | string;

export class Tensor implements Disposable {
  readonly shape: readonly number[];
  /** Element strides per dim (see stride()). */
  readonly strides: readonly number[];
  /** Element offset of element (0, ..., 0) in the memory block (see storageOffset()). */
  readonly offset: number;
  readonly dtype: DType;
  readonly numel: number;
  private storage: Storage | null;
  private readonly contig: boolean;
  /** The contiguous copy `ptr` hands out for a non-contiguous view, with the memory state it copied. */
  private cache: { ptr: number; version: number; epoch: number } | null = null;
  /** Replaced copies, freed at the next microtask or at dispose. */
  private stale: number[] = [];

  private constructor(storage: Storage, shape: number[], dtype: DType, strides?: number[], offset = 0) {
    this.storage = storage;
    this.shape = Object.freeze(shape);
    this.strides = Object.freeze(strides ?? contiguousStrides(shape));
    this.offset = offset;
    this.dtype = dtype;
    this.numel = numelOf(shape);
    this.contig = isContiguousLayout(shape, this.strides);
    storage.engine.track(this);
  }

  /** An uninitialized tensor (contents undefined). */
  static empty(shape: readonly number[], dtype: DType = 'float32', engine: Engine = getEngine()): Tensor {
    const s = checkShape(shape);
    if (!(dtype in DTYPE_BYTES)) throw new DTypeError(`unknown dtype ${JSON.stringify(dtype)}: expected float32, int32, int64, bool, uint8, int8 or float16`);
    const ptr = engine.arena.alloc(numelOf(s) * DTYPE_BYTES[dtype]);
    return new Tensor(new Storage(engine, ptr), s, dtype);
  }

  static zeros(shape: readonly number[], dtype: DType = 'float32', engine: Engine = getEngine()): Tensor {
    const t = Tensor.empty(shape, dtype, engine);
    t.bytes().fill(0);
    return t;
  }

  static full(shape: readonly number[], value: number, engine: Engine = getEngine()): Tensor {
    const t = Tensor.empty(shape, 'float32', engine);
    t.data<'float32'>().fill(value);
    return t;
  }

  /**
   * Copies `data` into a new tensor. The dtype follows the array (Float32Array -> float32,
   * Int32Array -> int32, BigInt64Array -> int64, Uint8Array -> bool, Int8Array -> int8; plain arrays -> float32)
   * unless given. The shape defaults to 1-D.
   */
  static from(data: TensorData, shape?: readonly number[], dtype?: DType, engine: Engine = getEngine()): Tensor {
    if (data == null || typeof (data as ArrayLike<number>).length !== 'number') {
      throw new ArgumentError(`Tensor.from: data must be a typed array or an array of numbers, got ${String(data)}`);
    }
    const dt = dtype ?? inferDType(data);
    const s = checkShape(shape ?? [data.length]);
    if (numelOf(s) !== data.length) {
      throw new ShapeError(`Tensor.from: shape ${fmtShape(s)} holds ${numelOf(s)} elements but data has ${data.length}`);
    }
    checkElements(data, dt);
    const t = Tensor.empty(s, dt, engine);
    const view = t.data();
    if (view instanceof BigInt64Array) {
      if (data instanceof BigInt64Array) view.set(data);
      else for (let i = 0; i < data.length; i++) view[i] = BigInt(Math.trunc(Number((data as ArrayLike<number>)[i])));
    } else if (data instanceof BigInt64Array) {
      for (let i = 0; i < data.length; i++) (view as Float32Array)[i] = Number(data[i]);
    } else {
      (view as Float32Array).set(data as ArrayLike<number>);
    }
    return t;
  }

  get engine(): Engine {
    return this.live().engine;
  }

  /**
   * Byte address of the first element in linear memory, laid out dense and row-major (for kernel
   * calls). On a non-contiguous view: the address of its cached contiguous copy (see the top).
   */
  get ptr(): number {
    const s = this.live();
    if (this.contig) {
      s.epoch++;
      return s.ptr + this.offset * DTYPE_BYTES[this.dtype];
    }
    return this.materialized(s);
  }

  get ndim(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.storage === null;
  }

  get byteLength(): number {
    return this.numel * DTYPE_BYTES[this.dtype];
  }

  /** Size of dimension `dim` (negative counts from the end). */
  size(dim: number): number {
    const d = dim < 0 ? dim + this.ndim : dim;
    if (d < 0 || d >= this.ndim) throw new ArgumentError(`size(${dim}): tensor of shape ${fmtShape(this.shape)} has ${this.ndim} dims`);
    return this.shape[d];
  }

  /** torch.Tensor.stride(): all strides (in elements), or the stride of `dim`. */
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number | number[] {
    if (dim === undefined) return this.strides.slice();
    return this.strides[normDim('stride', 'dim', dim, this.ndim)];
  }

  /** torch.Tensor.storage_offset(): the element offset of this view in its memory block. */
  storageOffset(): number {
    return this.offset;
  }

  /** True when the elements are dense and row-major (size-1 dims' strides ignored), as torch's is_contiguous(). */
  isContiguous(): boolean {
    return this.contig;
  }

  /**
   * A live typed-array view of the data. It is invalidated by any call that may allocate
   * (memory.grow detaches it): use it at once, never keep it. Throws ShapeError on a
   * non-contiguous view (call contiguous() first, or use toTypedArray()).
   */
  data<D extends DType = DType>(): TypedOf<D> {
    const s = this.live();
    this.expectContiguous('data()');
    s.version++;
    return this.readView<D>();
  }

  /**
   * Counts the writable views handed out (data(), bytes()) of this tensor's memory, shared with
   * its views, like torch's `_version`: layers that keep a packed copy of a parameter
   * repack when it changed, so writing weights in place through data() takes effect.
   */
  get version(): number {
    return this.storage?.version ?? -1;
  }

  /** The elements in row-major order without counting a write: the memory itself when contiguous, else the cached copy. */
  private readView<D extends DType = DType>(): TypedOf<D> {
    const s = this.live();
    const a = s.engine.arena;
    const p = this.contig ? s.ptr + this.offset * DTYPE_BYTES[this.dtype] : this.materialized(s);
    switch (this.dtype) {
      case 'float32':
        return a.f32(p, this.numel) as TypedOf<D>;
      case 'int32':
        return a.i32(p, this.numel) as TypedOf<D>;
      case 'int64':
        return a.i64(p, this.numel) as TypedOf<D>;
      case 'int8':
        return new Int8Array(a.memory.buffer, p, this.numel) as TypedOf<D>;
      case 'float16':
        return new Uint16Array(a.memory.buffer, p, this.numel) as TypedOf<D>;
      default:
        return a.u8(p, this.numel) as TypedOf<D>;
    }
  }

  /** The raw bytes (a live view, same caveat as data(); throws on a non-contiguous view). */
  bytes(): Uint8Array {
    const s = this.live();
    this.expectContiguous('bytes()');
    s.version++;
    return s.engine.arena.u8(s.ptr + this.offset * DTYPE_BYTES[this.dtype], this.byteLength);
  }

  /** Copies the values out as float32 (any dtype), in row-major order of this view. */
  toFloat32Array(): Float32Array {
    const d = this.readView();
    if (d instanceof Float32Array) return d.slice();
    const out = new Float32Array(this.numel);
    if (this.dtype === 'float16') {
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < d.length; i++) bits[i] = f16ToF32Bits(d[i] as number);
      return out;
    }
    for (let i = 0; i < d.length; i++) out[i] = Number(d[i]);
    return out;
  }

  /** Copies the values out in the tensor's own dtype, in row-major order of this view. */
  toTypedArray(): TypedOf<DType> {
    return this.readView().slice() as TypedOf<DType>;
  }

  /** Nested JS arrays, like torch's tolist() (numbers; int64 as numbers). */
  toArray(): unknown {
    const flat = Array.from(this.toFloat32Array());
    const build = (dim: number, off: number): unknown => {
      if (dim === this.ndim) return flat[off];
      const stride = numelOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, off + i * stride));
    };
    return build(0, 0);
  }

  /**
   * torch.reshape: another shape of the same elements (one -1 is inferred). A view sharing memory
   * when the strides allow it (always for a contiguous tensor), otherwise a contiguous copy.
   */
  reshape(shape: readonly number[]): Tensor {
    const dims = this.resolveShape('reshape', shape);
    const st = this.contig ? contiguousStrides(dims) : viewStrides(this.shape, this.strides, dims);
    if (st) return this.viewAs(dims, st, this.offset);
    const c = this.contiguous();
    try {
      return c.viewAs(dims, contiguousStrides(dims), 0);
    } finally {
      c.dispose();
    }
  }

  /** torch.Tensor.view: like reshape but always a view; ShapeError when the strides do not allow one. */
  view(shape: readonly number[]): Tensor {
    const dims = this.resolveShape('view', shape);
    const st = this.contig ? contiguousStrides(dims) : viewStrides(this.shape, this.strides, dims);
    if (!st) {
      throw new ShapeError(`view: shape ${fmtShape(shape)} is not compatible with the strides ${fmtShape(this.strides)} of this ${fmtShape(this.shape)} view: use reshape() (copies) or contiguous() first`);
    }
    return this.viewAs(dims, st, this.offset);
  }

  /** A new contiguous tensor with its own copy of the data (contiguous even when this is a view). */
  clone(): Tensor {
    const s = this.live();
    const t = Tensor.empty(this.shape, this.dtype, s.engine);
    const E = DTYPE_BYTES[this.dtype];
    try {
      copyStrided(s.engine, E, this.shape, s.ptr + this.offset * E, this.strides, t.storage!.ptr, t.strides);
    } catch (err) {
      t.dispose(); // copyStrided allocates its params block: out of memory there frees the copy
      throw err;
    }
    return t;
  }

  /**
   * torch.Tensor.contiguous: a contiguous tensor with these elements. When this already is
   * contiguous, a new handle (view) sharing the memory, so that disposing either one is safe
   * (torch returns self); otherwise a copy.
   */
  contiguous(): Tensor {
    return this.contig ? this.alias() : this.clone();
  }

  /** torch.transpose(dim0, dim1): a view with the two dims swapped. */
  transpose(dim0: number, dim1: number): Tensor {
    const a = normDim('transpose', 'dim0', dim0, this.ndim);
    const b = normDim('transpose', 'dim1', dim1, this.ndim);
    if (this.ndim === 0) return this.alias();
    const perm = this.shape.map((_, i) => i);
    perm[a] = b;
    perm[b] = a;
    return this.permute(perm);
  }

  /** torch.Tensor.t(): transpose of a tensor of <= 2 dims (a view). */
  t(): Tensor {
    if (this.ndim > 2) throw new ShapeError(`t: expects a tensor of <= 2 dims, got shape ${fmtShape(this.shape)} (use transpose(dim0, dim1))`);
    return this.ndim < 2 ? this.alias() : this.transpose(0, 1);
  }

  /** torch.permute: a view with the dims reordered (dims as an array or as arguments; negative allowed). */
  permute(...dims: (number | readonly number[])[]): Tensor {
    const perm = (dims.length === 1 && Array.isArray(dims[0]) ? dims[0] : dims) as number[];
    if (perm.length !== this.ndim) {
      throw new ArgumentError(`permute: dims ${fmtShape(perm)} must name each of the ${this.ndim} dims of shape ${fmtShape(this.shape)} once`);
    }
    const p = perm.map((d) => normDim('permute', 'dims', d, this.ndim));
    if (new Set(p).size !== p.length) throw new ArgumentError(`permute: dims ${fmtShape(perm)} repeat a dim, expected a permutation of 0..${this.ndim - 1}`);
    return this.viewAs(p.map((d) => this.shape[d]), p.map((d) => this.strides[d]), this.offset);
  }

  /** torch.movedim(source, destination): a view with dims `source` moved to positions `destination` (numbers or equal-length lists). */
  movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor {
    const src = (typeof source === 'number' ? [source] : source.slice()).map((d) => normDim('movedim', 'source', d, this.ndim));
    const dst = (typeof destination === 'number' ? [destination] : destination.slice()).map((d) => normDim('movedim', 'destination', d, this.ndim));
    if (src.length !== dst.length) throw new ArgumentError(`movedim: source ${fmtShape(src)} and destination ${fmtShape(dst)} must have the same length`);
    if (new Set(src).size !== src.length || new Set(dst).size !== dst.length) throw new ArgumentError('movedim: source and destination must not repeat a dim');
    const perm = new Array<number>(this.ndim).fill(-1);
    src.forEach((d, i) => (perm[dst[i]] = d));
    const rest = this.shape.map((_, i) => i).filter((i) => !src.includes(i));
    for (let i = 0, k = 0; i < this.ndim; i++) if (perm[i] < 0) perm[i] = rest[k++];
    return this.permute(perm);
  }

  /** torch.flip(dims): the elements reversed along `dims` (a copy, as torch; the reversal is a negative-stride read). */
  flip(dims: number | readonly number[]): Tensor {
    const ds = (typeof dims === 'number' ? [dims] : dims.slice()).map((d) => normDim('flip', 'dims', d, this.ndim));
    let v: Tensor = this.alias();
    for (const d of new Set(ds)) {
      const next = v.slice(d, null, null, -1);
      v.dispose();
      v = next;
    }
    try {
      return v.clone();
    } finally {
      v.dispose();
    }
  }

  /** torch.narrow(dim, start, length): elements start..start+length-1 of dim (a view; start may be negative). */
  narrow(dim: number, start: number, length: number): Tensor {
    const d = normDim('narrow', 'dim', dim, this.ndim);
    const n = this.shape[d];
    if (!Number.isInteger(start) || start < -n || start > n) {
      throw new ArgumentError(`narrow: start must be an integer in [${-n}, ${n}] for dim ${dim} of size ${n}, got ${String(start)}`);
    }
    const s0 = start < 0 ? start + n : start;
    if (!Number.isInteger(length) || length < 0 || s0 + length > n) {
      throw new ArgumentError(`narrow: length must be an integer in [0, ${n - s0}] (start ${start}, dim ${dim} of size ${n}), got ${String(length)}`);
    }
    const shape = this.shape.slice();
    shape[d] = length;
    return this.viewAs(shape, this.strides.slice(), this.offset + s0 * this.strides[d]);
  }

  /**
   * Python slicing `x[..., start:end:step]` along `dim` (a view): start/end clamp into range and
   * count from the end when negative, undefined/null means the whole side. A negative step walks
   * backwards (torch rejects it; ONNX Slice and numpy allow it: supported here, a negative stride).
   */
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
    const d = normDim('slice', 'dim', dim, this.ndim);
    if (!Number.isInteger(step) || step === 0) throw new ArgumentError(`slice: step must be a non-zero integer, got ${String(step)}`);
    for (const [nm, v] of [['start', start], ['end', end]] as const) {
      if (v != null && (typeof v !== 'number' || !Number.isInteger(v))) throw new ArgumentError(`slice: ${nm} must be an integer or null, got ${String(v)}`);
    }
    const n = this.shape[d];
    const [s0, len] = sliceRange(n, start ?? null, end ?? null, step);
    const shape = this.shape.slice();
    const strides = this.strides.slice();
    shape[d] = len;
    strides[d] = this.strides[d] * step;
    return this.viewAs(shape, strides, len > 0 ? this.offset + s0 * this.strides[d] : this.offset);
  }

  /** torch.select(dim, index): the sub-tensor at `index` of dim (a view with that dim removed). */
  select(dim: number, index: number): Tensor {
    const d = normDim('select', 'dim', dim, this.ndim);
    if (this.ndim === 0) throw new ShapeError('select: cannot select from a 0-d tensor');
    const n = this.shape[d];
    if (!Number.isInteger(index) || index < -n || index >= n) {
      throw new ArgumentError(`select: index must be an integer in [${-n}, ${n - 1}] for dim ${dim} of size ${n}, got ${String(index)}`);
    }
    const i = index < 0 ? index + n : index;
    const shape = this.shape.slice();
    const strides = this.strides.slice();
    shape.splice(d, 1);
    strides.splice(d, 1);
    return this.viewAs(shape, strides, this.offset + i * this.strides[d]);
  }

  /**
   * Indexing helper for Python's `x[:, 0]`-style access: one item per leading dim, as
   * `x.at(':', 0)` (= x[:, 0]), `x.at('...', '1:')` (= x[..., 1:]), `x.at(null, '::2', -1)`. An item is
   * a number (select: the dim goes), null or ':' (the whole dim), a 'start:end:step' string
   * (a slice), or '...' (as many whole dims as needed). Always a view.
   */
  at(...items: IndexItem[]): Tensor {
    const ell = items.filter((it) => it === '...').length;
    if (ell > 1) throw new ArgumentError(`at: at most one '...' is allowed, got ${ell}`);
    const explicit = items.length - ell;
    if (explicit > this.ndim) throw new ArgumentError(`at: ${explicit} indices for a ${this.ndim}-d tensor of shape ${fmtShape(this.shape)}`);
    const full: IndexItem[] = [];
    for (const it of items) {
      if (it === '...') for (let k = 0; k < this.ndim - explicit; k++) full.push(null);
      else full.push(it);
    }
    let v: Tensor = this.alias();
    let d = 0;
    try {
      for (const it of full) {
        let next: Tensor;
        if (it === null || it === ':') {
          d++;
          continue;
        } else if (typeof it === 'number') {
          next = v.select(d, it);
        } else if (typeof it === 'string') {
          const m = /^\s*(-?\d+)?\s*:\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?$/.exec(it);
          if (!m) throw new ArgumentError(`at: index ${JSON.stringify(it)} must be a number, null, '...' or a 'start:end:step' slice`);
          next = v.slice(d, m[1] === undefined ? null : Number(m[1]), m[2] === undefined ? null : Number(m[2]), m[3] === undefined ? 1 : Number(m[3]));
          d++;
        } else {
          throw new ArgumentError(`at: index must be a number, null, '...' or a 'start:end:step' string, got ${typeof it}`);
        }
        v.dispose();
        v = next;
      }
    } catch (e) {
      v.dispose();
      throw e;
    }
    return v;
  }

  /**
   * torch.Tensor.expand(*sizes): a view broadcasting size-1 dims to `sizes` with stride 0 (-1 keeps
   * a size; new leading dims may be added). Writing into an expanded view is not supported.
   */
  expand(...sizes: (number | readonly number[])[]): Tensor {
    const want = (sizes.length === 1 && Array.isArray(sizes[0]) ? sizes[0] : sizes) as number[];
    if (want.length < this.ndim) {
      throw new ShapeError(`expand: sizes ${fmtShape(want)} must have at least the ${this.ndim} dims of shape ${fmtShape(this.shape)}`);
    }
    const lead = want.length - this.ndim;
    const shape: number[] = [];
    const strides: number[] = [];
    for (let i = 0; i < want.length; i++) {
      const w = want[i];
      const j = i - lead;
      if (!Number.isInteger(w) || w < -1 || (w === -1 && j < 0)) {
        throw new ShapeError(`expand: size ${w} at position ${i} of ${fmtShape(want)} is invalid: sizes are >= 0, or -1 to keep an existing dim`);
      }
      if (j < 0) {
        shape.push(w);
        strides.push(0);
      } else if (w === -1 || w === this.shape[j]) {
        shape.push(this.shape[j]);
        strides.push(this.strides[j]);
      } else if (this.shape[j] === 1) {
        shape.push(w);
        strides.push(0);
      } else {
        throw new ShapeError(`expand: the size ${this.shape[j]} of dim ${j} of shape ${fmtShape(this.shape)} cannot be expanded to ${w} (only size-1 dims expand), sizes ${fmtShape(want)}`);
      }
    }
    return this.viewAs(shape, strides, this.offset);
  }

  /** torch.Tensor.expand_as(other). */
  expandAs(other: Tensor): Tensor {
    return this.expand(other.shape.slice());
  }

  /** torch.squeeze(dim?): removes size-1 dims (all, or those of `dim`, a number or list; other sizes are kept, as torch). A view. */
  squeeze(dim?: number | readonly number[]): Tensor {
    let drop: Set<number>;
    if (dim === undefined) drop = new Set(this.shape.map((n, i) => (n === 1 ? i : -1)).filter((i) => i >= 0));
    else {
      const ds = (Array.isArray(dim) ? dim : [dim]) as number[];
      drop = new Set(ds.map((d) => normDim('squeeze', 'dim', d, this.ndim)).filter((d) => this.shape[d] === 1));
    }
    return this.viewAs(this.shape.filter((_, i) => !drop.has(i)), this.strides.filter((_, i) => !drop.has(i)), this.offset);
  }

  /** torch.unsqueeze(dim): a size-1 dim inserted at dim in [-ndim-1, ndim]. A view. */
  unsqueeze(dim: number): Tensor {
    const d = normDim('unsqueeze', 'dim', dim, this.ndim + 1);
    const shape = this.shape.slice();
    const strides = this.strides.slice();
    const st = d < this.ndim ? this.shape[d] * this.strides[d] : 1;
    shape.splice(d, 0, 1);
    strides.splice(d, 0, st);
    return this.viewAs(shape, strides, this.offset);
  }

  /** torch.flatten(startDim = 0, endDim = -1): dims startDim..endDim merged (a view when the strides allow, else a copy, as torch). */
  flatten(startDim = 0, endDim = -1): Tensor {
    if (this.ndim === 0) return this.reshape([1]);
    const a = normDim('flatten', 'startDim', startDim, this.ndim);
    const b = normDim('flatten', 'endDim', endDim, this.ndim);
    if (a > b) throw new ArgumentError(`flatten: startDim ${startDim} must not come after endDim ${endDim} (shape ${fmtShape(this.shape)})`);
    const shape = [...this.shape.slice(0, a), numelOf(this.shape.slice(a, b + 1)), ...this.shape.slice(b + 1)];
    return this.reshape(shape);
  }

  /** torch.unflatten(dim, sizes): dim split into `sizes` (one may be -1). Always a view. */
  unflatten(dim: number, sizes: readonly number[]): Tensor {
    const d = normDim('unflatten', 'dim', dim, this.ndim);
    if (!Array.isArray(sizes) || sizes.length === 0) throw new ArgumentError(`unflatten: sizes must be a non-empty array, got ${String(sizes)}`);
    const n = this.shape[d];
    const s = sizes.slice();
    const neg = s.indexOf(-1);
    if (neg >= 0) {
      const rest = numelOf(s.filter((_, i) => i !== neg));
      if (s.lastIndexOf(-1) !== neg || rest === 0 || n % rest !== 0) throw new ShapeError(`unflatten: cannot infer -1 in ${fmtShape(sizes)} for dim ${dim} of size ${n}`);
      s[neg] = n / rest;
    }
    checkShape(s, 'unflatten sizes');
    if (numelOf(s) !== n) throw new ShapeError(`unflatten: sizes ${fmtShape(sizes)} multiply to ${numelOf(s)}, expected the size ${n} of dim ${dim}`);
    const inner = contiguousStrides(s).map((x) => x * this.strides[d]);
    return this.viewAs(
      [...this.shape.slice(0, d), ...s, ...this.shape.slice(d + 1)],
      [...this.strides.slice(0, d), ...inner, ...this.strides.slice(d + 1)],
      this.offset,
    );
  }

  /**
   * torch.split(splitSizeOrSections, dim = 0): views of `size` elements along dim (the last may be
   * smaller), or of the listed sizes (they must sum to the size of dim).
   */
  split(splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
    const d = normDim('split', 'dim', dim, this.ndim);
    const n = this.shape[d];
    let sizes: number[];
    if (typeof splitSizeOrSections === 'number') {
      const k = splitSizeOrSections;
      if (!Number.isInteger(k) || k < 0 || (k === 0 && n !== 0)) throw new ArgumentError(`split: splitSize must be a positive integer, got ${String(k)}`);
      sizes = [];
      for (let i = 0; i < n; i += k) sizes.push(Math.min(k, n - i));
      if (n === 0) sizes.push(0);
    } else if (Array.isArray(splitSizeOrSections)) {
      sizes = splitSizeOrSections.slice();
      if (sizes.some((k) => !Number.isInteger(k) || k < 0) || sizes.reduce((a, b) => a + b, 0) !== n) {
        throw new ArgumentError(`split: sections ${fmtShape(sizes)} must be integers >= 0 summing to the size ${n} of dim ${dim} (shape ${fmtShape(this.shape)})`);
      }
    } else {
      throw new ArgumentError(`split: splitSizeOrSections must be a number or an array of sizes, got ${String(splitSizeOrSections)}`);
    }
    const out: Tensor[] = [];
    let at = 0;
    for (const k of sizes) {
      out.push(this.narrow(d, at, k));
      at += k;
    }
    return out;
  }

  /** torch.chunk(chunks, dim = 0): split into pieces of ceil(size / chunks) (so possibly fewer than chunks). Views. */
  chunk(chunks: number, dim = 0): Tensor[] {
    if (!Number.isInteger(chunks) || chunks < 1) throw new ArgumentError(`chunk: chunks must be an integer >= 1, got ${String(chunks)}`);
    const d = normDim('chunk', 'dim', dim, this.ndim);
    const n = this.shape[d];
    return this.split(n === 0 ? 0 : Math.ceil(n / chunks), d);
  }

  /** torch.unbind(dim = 0): every select(dim, i). Views. */
  unbind(dim = 0): Tensor[] {
    const d = normDim('unbind', 'dim', dim, this.ndim);
    return Array.from({ length: this.shape[d] }, (_, i) => this.select(d, i));
  }

  /** torch.Tensor.repeat(*sizes): the data tiled `sizes[i]` times along each dim (new leading dims allowed). A copy. */
  repeat(...sizes: (number | readonly number[])[]): Tensor {
    const reps = (sizes.length === 1 && Array.isArray(sizes[0]) ? sizes[0] : sizes) as number[];
    if (reps.length < this.ndim) throw new ArgumentError(`repeat: sizes ${fmtShape(reps)} must have at least the ${this.ndim} dims of shape ${fmtShape(this.shape)}`);
    checkShape(reps, 'repeat sizes');
    const lead = reps.length - this.ndim;
    const shape = [...new Array<number>(lead).fill(1), ...this.shape];
    const strides = [...new Array<number>(lead).fill(0), ...this.strides];
    // Read as a [r0, s0, r1, s1, ...] view whose repeat dims have stride 0; the output is that view made dense.
    const vShape: number[] = [];
    const vStrides: number[] = [];
    for (let i = 0; i < reps.length; i++) vShape.push(reps[i], shape[i]);
    for (let i = 0; i < reps.length; i++) vStrides.push(0, strides[i]);
    const s = this.live();
    const out = Tensor.empty(reps.map((r, i) => r * shape[i]), this.dtype, s.engine);
    const E = DTYPE_BYTES[this.dtype];
    try {
      copyStrided(s.engine, E, vShape, s.ptr + this.offset * E, vStrides, out.storage!.ptr, contiguousStrides(vShape));
    } catch (err) {
      out.dispose();
      throw err;
    }
    return out;
  }

  /** Frees the memory (when no other view shares it) and any copy this view cached. Idempotent. */
  dispose(): void {
    if (this.storage) {
      const s = this.storage;
      this.freeStale();
      if (this.cache) s.engine.arena.free(this.cache.ptr);
      this.cache = null;
      this.storage = null;
      s.release();
    }
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  toString(): string {
    if (this.isDisposed) return `Tensor(disposed, shape=${fmtShape(this.shape)}, dtype=${this.dtype})`;
    const d = this.toFloat32Array();
    const head = Array.from(d.subarray(0, 6), (v) => Number(v.toPrecision(5))).join(', ');
    return `Tensor(shape=${fmtShape(this.shape)}, dtype=${this.dtype}, [${head}${d.length > 6 ? ', ...' : ''}])`;
  }

  /**
   * A view of this tensor's memory with the given layout (for operators building views: the
   * caller guarantees every addressed element lies inside this tensor's elements).
   * @internal
   */
  viewAs(shape: number[], strides: number[], offset: number): Tensor {
    const s = this.live();
    s.refs++;
    return new Tensor(s, shape, this.dtype, strides, offset);
  }

  /** Another handle on this same view (its own dispose). */
  private alias(): Tensor {
    return this.viewAs(this.shape.slice(), this.strides.slice(), this.offset);
  }

  /**
   * The byte address of element (0, ..., 0) of this view in the memory itself (not a copy), for
   * operators that read or write views through the strided-copy kernel with `strides`.
   * @internal
   */
  get rawPtr(): number {
    const s = this.live();
    s.epoch++;
    return s.ptr + this.offset * DTYPE_BYTES[this.dtype];
  }

  private materialized(s: Storage): number {
    const c = this.cache;
    if (c && c.version === s.version && c.epoch === s.epoch) return c.ptr;
    const E = DTYPE_BYTES[this.dtype];
    const p = s.engine.arena.alloc(this.numel * E);
    try {
      copyStrided(s.engine, E, this.shape, s.ptr + this.offset * E, this.strides, p, contiguousStrides(this.shape));
    } catch (err) {
      s.engine.arena.free(p);
      throw err;
    }
    if (c) {
      // keep only the copy just replaced (an operator may still hold its address); older ones go now,
      // so a view re-copied in a long synchronous loop holds at most two copies
      this.freeStale();
      queueMicrotask(() => this.freeStale());
      this.stale.push(c.ptr);
    }
    this.cache = { ptr: p, version: s.version, epoch: s.epoch };
    return p;
  }

  private freeStale(): void {
    if (!this.storage) return;
    for (const p of this.stale) this.storage.engine.arena.free(p);
    this.stale = [];
  }

  private expectContiguous(what: string): void {
    if (!this.contig) {
      throw new ShapeError(`${what}: this ${fmtShape(this.shape)} tensor is a non-contiguous view (strides ${fmtShape(this.strides)}): call contiguous() first, or read it with toTypedArray()/toFloat32Array()`);
    }
  }

  private resolveShape(op: string, shape: readonly number[]): number[] {
    this.live();
    if (!Array.isArray(shape)) throw new ShapeError(`${op}: shape must be an array of sizes, got ${String(shape)}`);
    const dims = shape.slice();
    const neg = dims.indexOf(-1);
    if (dims.lastIndexOf(-1) !== neg) throw new ShapeError(`${op}: only one dimension can be -1, got ${fmtShape(shape)}`);
    if (neg >= 0) {
      const rest = numelOf(dims.filter((_, i) => i !== neg));
      if (rest === 0 || this.numel % rest !== 0) {
        throw new ShapeError(`${op}: cannot infer -1 in ${fmtShape(shape)} for ${this.numel} elements of ${fmtShape(this.shape)}`);
      }
      dims[neg] = this.numel / rest;
    }
    checkShape(dims, `${op} shape`);
    if (numelOf(dims) !== this.numel) {
      throw new ShapeError(`${op}: shape ${fmtShape(shape)} has ${numelOf(dims)} elements, the tensor ${fmtShape(this.shape)} has ${this.numel}`);
    }
    return dims;
  }

  private live(): Storage {
    if (!this.storage) {
      throw new DisposedError(`tensor of shape ${fmtShape(this.shape)} (${this.dtype}) was used after dispose()`);
    }
    if (this.storage.engine.isDisposed) {
      throw new DisposedError(`tensor of shape ${fmtShape(this.shape)} (${this.dtype}) was used after its engine was disposed (engine.dispose())`);
    }
    return this.storage;
  }
}

/** Dense row-major (ignoring the strides of size-1 dims; any layout of 0 elements counts). */
function isContiguousLayout(shape: readonly number[], strides: readonly number[]): boolean {
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 0) return true;
    if (shape[i] !== 1 && strides[i] !== acc) return false;
    acc *= shape[i];
  }
  return true;
}

/** Python's slice.indices(n) for (start, end, step): the first index and the count. */
export function sliceRange(n: number, start: number | null, end: number | null, step: number): [number, number] {
  let s: number;
  let e: number;
  if (step > 0) {
    s = start === null ? 0 : start < 0 ? Math.max(start + n, 0) : Math.min(start, n);
    e = end === null ? n : end < 0 ? Math.max(end + n, 0) : Math.min(end, n);
    return [s, e > s ? Math.ceil((e - s) / step) : 0];
  }
  s = start === null ? n - 1 : start < 0 ? Math.max(start + n, -1) : Math.min(start, n - 1);
  e = end === null ? -1 : end < 0 ? Math.max(end + n, -1) : Math.min(end, n - 1);
  return [s, s > e ? Math.ceil((s - e) / -step) : 0];
}
