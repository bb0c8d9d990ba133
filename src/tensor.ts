/**
 * Tensor: a view (shape, dtype) onto a block of the engine's linear memory. Tensors are
 * contiguous and row-major. reshape() makes another view of the same block; the block is freed
 * when its last view is disposed. Use after dispose throws DisposedError.
 */
import { getEngine, type Disposable, type Engine } from './runtime/engine.js';
import { ArgumentError, DisposedError, DTypeError, ShapeError, fmtShape } from './runtime/errors.js';

export type DType = 'float32' | 'int32' | 'int64' | 'bool' | 'uint8' | 'int8';

export const DTYPE_BYTES: Record<DType, number> = { float32: 4, int32: 4, int64: 8, bool: 1, uint8: 1, int8: 1 };

export type TensorData = Float32Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | ArrayLike<number>;

type TypedOf<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'int32'
    ? Int32Array
    : D extends 'int64'
      ? BigInt64Array
      : D extends 'int8'
        ? Int8Array
        : Uint8Array;

/** One block of memory shared by a tensor and its reshaped views. */
class Storage {
  refs = 1;
  /** Bumped whenever a writable view is handed out (data(), bytes()): see Tensor.version. */
  version = 0;
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
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${what} ${fmtShape(shape)} has an invalid size ${d}: sizes are integers >= 0`);
    }
  }
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

export class Tensor implements Disposable {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly numel: number;
  private storage: Storage | null;

  private constructor(storage: Storage, shape: number[], dtype: DType) {
    this.storage = storage;
    this.shape = Object.freeze(shape);
    this.dtype = dtype;
    this.numel = numelOf(shape);
    storage.engine.track(this);
  }

  /** An uninitialized tensor (contents undefined). */
  static empty(shape: readonly number[], dtype: DType = 'float32', engine: Engine = getEngine()): Tensor {
    const s = checkShape(shape);
    if (!(dtype in DTYPE_BYTES)) throw new DTypeError(`unknown dtype ${JSON.stringify(dtype)}: expected float32, int32, int64, bool, uint8 or int8`);
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

  /** Byte address of the first element in linear memory (for kernel calls). */
  get ptr(): number {
    return this.live().ptr;
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

  /**
   * A live typed-array view of the data. It is invalidated by any call that may allocate
   * (memory.grow detaches it): use it at once, never keep it.
   */
  data<D extends DType = DType>(): TypedOf<D> {
    this.live().version++;
    return this.view<D>();
  }

  /**
   * Counts the writable views handed out (data(), bytes()) of this tensor's memory, shared with
   * its reshaped views, like torch's `_version`: layers that keep a packed copy of a parameter
   * repack when it changed, so writing weights in place through data() takes effect.
   */
  get version(): number {
    return this.storage?.version ?? -1;
  }

  /** data() without counting a write (for the copying readers below). */
  private view<D extends DType = DType>(): TypedOf<D> {
    const s = this.live();
    const a = s.engine.arena;
    switch (this.dtype) {
      case 'float32':
        return a.f32(s.ptr, this.numel) as TypedOf<D>;
      case 'int32':
        return a.i32(s.ptr, this.numel) as TypedOf<D>;
      case 'int64':
        return a.i64(s.ptr, this.numel) as TypedOf<D>;
      case 'int8':
        return new Int8Array(a.memory.buffer, s.ptr, this.numel) as TypedOf<D>;
      default:
        return a.u8(s.ptr, this.numel) as TypedOf<D>;
    }
  }

  /** The raw bytes (a live view, same caveat as data()). */
  bytes(): Uint8Array {
    const s = this.live();
    s.version++;
    return s.engine.arena.u8(s.ptr, this.byteLength);
  }

  /** Copies the values out as float32 (any dtype). */
  toFloat32Array(): Float32Array {
    const d = this.view();
    if (d instanceof Float32Array) return d.slice();
    const out = new Float32Array(this.numel);
    for (let i = 0; i < d.length; i++) out[i] = Number(d[i]);
    return out;
  }

  /** Copies the values out in the tensor's own dtype. */
  toTypedArray(): TypedOf<DType> {
    return this.view().slice() as TypedOf<DType>;
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

  /** A view with another shape of the same elements (one -1 is inferred). Shares memory. */
  reshape(shape: readonly number[]): Tensor {
    const s = this.live();
    const dims = shape.slice();
    const neg = dims.indexOf(-1);
    if (dims.lastIndexOf(-1) !== neg) throw new ShapeError(`reshape: only one dimension can be -1, got ${fmtShape(shape)}`);
    if (neg >= 0) {
      const rest = numelOf(dims.filter((_, i) => i !== neg));
      if (rest === 0 || this.numel % rest !== 0) {
        throw new ShapeError(`reshape: cannot infer -1 in ${fmtShape(shape)} for ${this.numel} elements of ${fmtShape(this.shape)}`);
      }
      dims[neg] = this.numel / rest;
    }
    checkShape(dims, 'reshape shape');
    if (numelOf(dims) !== this.numel) {
      throw new ShapeError(`reshape: shape ${fmtShape(shape)} has ${numelOf(dims)} elements, the tensor ${fmtShape(this.shape)} has ${this.numel}`);
    }
    s.refs++;
    return new Tensor(s, dims, this.dtype);
  }

  /** A new tensor with its own copy of the data. */
  clone(): Tensor {
    const t = Tensor.empty(this.shape, this.dtype, this.engine);
    t.bytes().set(this.bytes());
    return t;
  }

  /** Frees the memory (when no other view shares it). Idempotent. */
  dispose(): void {
    if (this.storage) {
      const s = this.storage;
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

  private live(): Storage {
    if (!this.storage) {
      throw new DisposedError(`tensor of shape ${fmtShape(this.shape)} (${this.dtype}) was used after dispose()`);
    }
    return this.storage;
  }
}
