/**
 * The protobuf wire format, read-only: a bounds-checked cursor over a byte array. Every read
 * checks against the end of the enclosing message, so a truncated or hostile file (lengths past
 * the end, varints of more than 10 bytes, unknown wire types) throws an OnnxError naming the
 * field being read instead of reading garbage. Length-delimited fields are returned as subarrays
 * of the input (no copy).
 */
import { OnnxError } from '../runtime/errors.js';

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

export class Reader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    /** What errors call the message being read ('GraphProto "main"'). */
    readonly what: string,
    start = 0,
    readonly end = buf.byteLength,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  fail(field: string, why: string): OnnxError {
    return new OnnxError(`onnx: ${this.what}.${field}: ${why} (at byte ${this.pos})`);
  }

  /** A varint as a JS number (exact up to 2^53; int64 values beyond that lose precision; negative int64 come back negative). */
  varint(field: string): number {
    let lo = 0;
    let shift = 0;
    let b: number;
    // Low 28 bits with 32-bit arithmetic, the rest as floats.
    for (; shift < 28; shift += 7) {
      if (this.pos >= this.end) throw this.fail(field, 'truncated varint');
      b = this.buf[this.pos++];
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) return lo;
    }
    let hi = 0;
    let mul = 1;
    for (let i = 0; i < 6; i++) {
      if (this.pos >= this.end) throw this.fail(field, 'truncated varint');
      b = this.buf[this.pos++];
      if (i === 0) {
        lo |= (b & 0x0f) << 28;
        hi = (b & 0x70) >> 4;
        mul = 8;
      } else {
        hi += (b & 0x7f) * mul;
        mul *= 128;
      }
      if (b < 0x80) {
        // hi holds bits 32..63 (as a float); bit 63 set means a negative two's complement int64.
        return (hi >= 2147483648 ? hi - 4294967296 : hi) * 4294967296 + (lo >>> 0);
      }
    }
    throw this.fail(field, 'varint longer than 10 bytes');
  }

  /** A tag: [field number, wire type]. */
  tag(): [number, number] {
    const t = this.varint('tag');
    if (t < 8 || t > 0x1fffffff * 8) throw this.fail('tag', `invalid field tag ${t}`);
    return [Math.floor(t / 8), t & 7];
  }

  /** The bytes of a length-delimited field (a subarray of the input, no copy). */
  bytes(field: string): Uint8Array {
    const n = this.varint(field);
    if (n < 0 || this.pos + n > this.end) throw this.fail(field, `length ${n} runs past the end of the message (${this.end - this.pos} bytes left)`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A nested message: a Reader over its bytes. */
  message(field: string, what: string): Reader {
    const b = this.bytes(field);
    return new Reader(this.buf, what, b.byteOffset - this.buf.byteOffset, b.byteOffset - this.buf.byteOffset + b.byteLength);
  }

  string(field: string): string {
    return utf8.decode(this.bytes(field));
  }

  fixed32(field: string): DataView {
    return this.fixed(field, 4);
  }

  fixed64(field: string): DataView {
    return this.fixed(field, 8);
  }

  private fixed(field: string, n: number): DataView {
    if (this.pos + n > this.end) throw this.fail(field, 'truncated fixed-size value');
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, n);
    this.pos += n;
    return v;
  }

  float(field: string, wire: number): number {
    if (wire !== WIRE_I32) throw this.fail(field, `expected a 32-bit float (wire type 5), got wire type ${wire}`);
    return this.fixed32(field).getFloat32(0, true);
  }

  /** Skips a field of an unknown or unused number. */
  skip(field: number, wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint(`#${field}`);
        return;
      case WIRE_I64:
        this.fixed64(`#${field}`);
        return;
      case WIRE_LEN:
        this.bytes(`#${field}`);
        return;
      case WIRE_I32:
        this.fixed32(`#${field}`);
        return;
      default:
        throw this.fail(`#${field}`, `unsupported wire type ${wire}`);
    }
  }

  /** A repeated scalar field, packed (one LEN field) or not (one value): appends to `out`. */
  repeated(field: string, wire: number, scalar: number, out: number[]): void {
    if (wire === WIRE_LEN) {
      const r = this.message(field, this.what);
      while (!r.done) out.push(r.scalar(field, scalar));
      this.pos = r.end;
      return;
    }
    if (wire !== scalar) throw this.fail(field, `wire type ${wire} where ${scalar} or 2 (packed) was expected`);
    out.push(this.scalar(field, scalar));
  }

  private scalar(field: string, wire: number): number {
    if (wire === WIRE_VARINT) return this.varint(field);
    if (wire === WIRE_I32) return this.fixed32(field).getFloat32(0, true);
    if (wire === WIRE_I64) return this.fixed64(field).getFloat64(0, true);
    throw this.fail(field, `wire type ${wire} cannot be a packed scalar`);
  }
}

const utf8 = new TextDecoder('utf-8');
