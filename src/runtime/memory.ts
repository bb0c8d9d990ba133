/**
 * The arena over the one WebAssembly linear memory. Every block is 16-byte aligned and carries
 * 16 bytes of tail padding, because kernels may read (never write) up to 16 B past an input.
 * Freed blocks are reused (best fit) and coalesced with their neighbours; the top of the heap
 * shrinks back when its last block is freed. WebAssembly memory itself never shrinks: the
 * capacity only grows, and `stats().highWaterBytes` says how far it was ever used.
 *
 * `memory.grow` detaches every ArrayBuffer view: never keep a view across a call that may
 * allocate; use `f32(ptr, n)` and friends, which make a fresh view each time.
 */
import { ArgumentError, DisposedError, OutOfMemoryError } from './errors.js';

export const PAGE_BYTES = 65536;
export const ALIGN = 16;
export const TAIL_PAD = 16;

export interface MemoryStats {
  /** Bytes in live blocks (padding included). */
  inUseBytes: number;
  /** The largest inUseBytes ever seen since the engine started (or since resetHighWater()). */
  highWaterBytes: number;
  /** Bytes of linear memory the engine owns (it never shrinks). */
  capacityBytes: number;
  /** The most the memory may grow to. */
  limitBytes: number;
  /** Live blocks. */
  blocks: number;
}

interface FreeBlock {
  ptr: number;
  size: number;
}

const disposedMemory = () => new DisposedError('the engine of this memory was disposed (engine.dispose()): create a new engine');

const align = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/** Bytes a request of `bytes` occupies in the arena: rounded up to 16, plus the 16-byte tail pad. */
export function blockBytes(bytes: number): number {
  return align(Math.max(bytes, 1)) + TAIL_PAD;
}

export class Arena {
  readonly base: number;
  private top: number;
  private readonly live = new Map<number, number>();
  private freeList: FreeBlock[] = [];
  private inUse = 0;
  private highWater = 0;
  private mem: WebAssembly.Memory | null;

  constructor(
    memory: WebAssembly.Memory,
    heapBase: number,
    readonly limitBytes: number,
  ) {
    this.mem = memory;
    this.base = align(Math.max(heapBase, ALIGN));
    this.top = this.base;
  }

  /** The linear memory (DisposedError once the engine was disposed). */
  get memory(): WebAssembly.Memory {
    if (!this.mem) throw disposedMemory();
    return this.mem;
  }

  get isDisposed(): boolean {
    return this.mem === null;
  }

  /** Drops the memory (engine.dispose()): every block is gone; free() becomes a no-op, alloc() throws. */
  dispose(): void {
    this.mem = null;
    this.live.clear();
    this.freeList = [];
    this.inUse = 0;
    this.top = this.base;
  }

  get capacityBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Allocates `bytes` (rounded up to 16) plus 16 B of tail padding; returns the byte address. */
  alloc(bytes: number): number {
    if (!Number.isFinite(bytes) || bytes < 0) {
      throw new ArgumentError(`alloc: byte count must be a finite number >= 0, got ${bytes}`);
    }
    const size = blockBytes(bytes);
    if (!this.mem) throw disposedMemory();
    let best = -1;
    for (let i = 0; i < this.freeList.length; i++) {
      const b = this.freeList[i];
      if (b.size >= size && (best < 0 || b.size < this.freeList[best].size)) best = i;
    }
    let ptr: number;
    if (best >= 0) {
      const b = this.freeList[best];
      ptr = b.ptr;
      if (b.size - size >= 64) {
        b.ptr += size;
        b.size -= size;
      } else {
        this.freeList.splice(best, 1);
        this.live.set(ptr, b.size);
        this.account(b.size);
        return ptr;
      }
    } else {
      ptr = this.top;
      this.ensureCapacity(ptr + size, bytes);
      this.top = ptr + size;
    }
    this.live.set(ptr, size);
    this.account(size);
    return ptr;
  }

  /** Frees a block returned by alloc. Freeing an unknown address is an error (double free). */
  free(ptr: number): void {
    if (!this.mem) return; // the engine was disposed: everything is already gone
    const size = this.live.get(ptr);
    if (size === undefined) throw new ArgumentError(`free: ${ptr} is not a live block (double free?)`);
    this.live.delete(ptr);
    this.inUse -= size;
    this.insertFree({ ptr, size });
  }

  /** Size in bytes (with padding) of a live block, or undefined. */
  sizeOf(ptr: number): number | undefined {
    return this.live.get(ptr);
  }

  stats(): MemoryStats {
    return {
      inUseBytes: this.inUse,
      highWaterBytes: this.highWater,
      capacityBytes: this.capacityBytes,
      limitBytes: this.limitBytes,
      blocks: this.live.size,
    };
  }

  resetHighWater(): void {
    this.highWater = this.inUse;
  }

  f32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, n);
  }

  i32(ptr: number, n: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, n);
  }

  u8(ptr: number, n: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, n);
  }

  i64(ptr: number, n: number): BigInt64Array {
    return new BigInt64Array(this.memory.buffer, ptr, n);
  }

  private account(size: number): void {
    this.inUse += size;
    if (this.inUse > this.highWater) this.highWater = this.inUse;
  }

  private ensureCapacity(end: number, requested: number): void {
    const cap = this.capacityBytes;
    if (end <= cap) return;
    if (end > this.limitBytes) {
      throw new OutOfMemoryError(
        `out of memory: a request for ${requested} bytes needs ${end} bytes of wasm memory, ` +
          `above the limit of ${this.limitBytes} bytes (in use: ${this.inUse}). ` +
          `Dispose tensors you no longer need, or raise init({ maxMemoryBytes }).`,
        requested,
        this.limitBytes,
      );
    }
    // Grow by at least a quarter of the current size to keep the number of grows small.
    const wantBytes = Math.min(this.limitBytes, Math.max(end, cap + Math.ceil(cap / 4)));
    const pages = Math.ceil((wantBytes - cap) / PAGE_BYTES);
    const minPages = Math.ceil((end - cap) / PAGE_BYTES);
    try {
      this.memory.grow(pages);
    } catch {
      try {
        this.memory.grow(minPages);
      } catch (e) {
        throw new OutOfMemoryError(
          `out of memory: the runtime refused to grow wasm memory from ${cap} to ${cap + minPages * PAGE_BYTES} ` +
            `bytes for a request of ${requested} bytes (${(e as Error).message})`,
          requested,
          this.limitBytes,
        );
      }
    }
  }

  private insertFree(block: FreeBlock): void {
    const list = this.freeList;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].ptr < block.ptr) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, block);
    // Coalesce with the next and previous free blocks.
    if (lo + 1 < list.length && block.ptr + block.size === list[lo + 1].ptr) {
      block.size += list[lo + 1].size;
      list.splice(lo + 1, 1);
    }
    if (lo > 0 && list[lo - 1].ptr + list[lo - 1].size === block.ptr) {
      list[lo - 1].size += block.size;
      list.splice(lo, 1);
      lo -= 1;
    }
    // A free block that reaches the top gives its bytes back to the bump region.
    const last = list[list.length - 1];
    if (last && last.ptr + last.size === this.top) {
      this.top = last.ptr;
      list.pop();
    }
  }
}
