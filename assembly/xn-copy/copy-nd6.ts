// The one loop every xN_copy_nd6 kernel shares: an exact element copy of a strided 6-d source
// into a strided 6-d destination (no arithmetic, so bit-exact for every dtype of that width):
//   dst[i0*d0 + ... + i5*d5] = src[i0*s0 + ... + i5*s5],  0 <= ik < nk
// Operands: `params` points at 18 i32: n0..n5 (sizes), s0..s5 (source strides), d0..d5
// (destination strides), strides in ELEMENTS of sizeof<T>() bytes and possibly negative or 0
// (0 broadcasts: torch expand; negative: ONNX Slice with a negative step). src/dst are the byte
// addresses of element (0,..,0). Callers collapse and order dims so that dim 5 is the innermost.
// Tile: the inner dim moves 64 B per iteration with v128 loads/stores when both inner strides are
// 1, then 16 B, then an 8/4/2/1-byte tail (no reads past the source row); a broadcast inner dim
// (s5 = 0, d5 = 1) stores a splat; any other inner stride copies element by element.
// Preconditions: sizes >= 0 (any 0 copies nothing); source and destination do not overlap.
// Bounds: reads only addressed source elements; writes only addressed destination elements.

// @ts-ignore: decorator
@inline function rowContig(bytes: usize, sp: usize, dp: usize): void {
  for (; bytes >= 64; bytes -= 64) {
    const v0 = v128.load(sp);
    const v1 = v128.load(sp, 16);
    const v2 = v128.load(sp, 32);
    const v3 = v128.load(sp, 48);
    v128.store(dp, v0);
    v128.store(dp, v1, 16);
    v128.store(dp, v2, 32);
    v128.store(dp, v3, 48);
    sp += 64;
    dp += 64;
  }
  for (; bytes >= 16; bytes -= 16) {
    v128.store(dp, v128.load(sp));
    sp += 16;
    dp += 16;
  }
  if (bytes & 8) { store<u64>(dp, load<u64>(sp)); sp += 8; dp += 8; }
  if (bytes & 4) { store<u32>(dp, load<u32>(sp)); sp += 4; dp += 4; }
  if (bytes & 2) { store<u16>(dp, load<u16>(sp)); sp += 2; dp += 2; }
  if (bytes & 1) { store<u8>(dp, load<u8>(sp)); }
}

// @ts-ignore: decorator
@inline function rowSplat<T>(n: usize, sp: usize, dp: usize): void {
  const size = sizeof<T>();
  let v: v128;
  if (size == 1) v = i8x16.splat(load<i8>(sp));
  else if (size == 2) v = i16x8.splat(load<i16>(sp));
  else if (size == 4) v = i32x4.splat(load<i32>(sp));
  else v = i64x2.splat(load<i64>(sp));
  let bytes = n * size;
  for (; bytes >= 16; bytes -= 16) {
    v128.store(dp, v);
    dp += 16;
  }
  for (; bytes != 0; bytes -= size) {
    store<T>(dp, load<T>(sp));
    dp += size;
  }
}

// @ts-ignore: decorator
@inline function rowStrided<T>(n: usize, sp: usize, ss: isize, dp: usize, ds: isize): void {
  for (let i: usize = 0; i < n; i++) {
    store<T>(dp, load<T>(sp));
    sp += ss;
    dp += ds;
  }
}

// @ts-ignore: decorator
@inline export function copy_nd6<T>(params: usize, src: usize, dst: usize): void {
  const size = <isize>sizeof<T>();
  const n0 = load<i32>(params, 0), n1 = load<i32>(params, 4), n2 = load<i32>(params, 8);
  const n3 = load<i32>(params, 12), n4 = load<i32>(params, 16), n5 = load<i32>(params, 20);
  assert(n0 >= 0 && n1 >= 0 && n2 >= 0 && n3 >= 0 && n4 >= 0 && n5 >= 0, 'copy_nd6: sizes must be >= 0');
  if (n0 == 0 || n1 == 0 || n2 == 0 || n3 == 0 || n4 == 0 || n5 == 0) return;
  const s0 = <isize>load<i32>(params, 24) * size, s1 = <isize>load<i32>(params, 28) * size;
  const s2 = <isize>load<i32>(params, 32) * size, s3 = <isize>load<i32>(params, 36) * size;
  const s4 = <isize>load<i32>(params, 40) * size, s5 = <isize>load<i32>(params, 44) * size;
  const d0 = <isize>load<i32>(params, 48) * size, d1 = <isize>load<i32>(params, 52) * size;
  const d2 = <isize>load<i32>(params, 56) * size, d3 = <isize>load<i32>(params, 60) * size;
  const d4 = <isize>load<i32>(params, 64) * size, d5 = <isize>load<i32>(params, 68) * size;
  const contig = s5 == size && d5 == size;
  const splat = s5 == 0 && d5 == size;
  const inner = <usize>n5;
  for (let i0 = 0; i0 < n0; i0++) {
    const sp0 = <isize>src + <isize>i0 * s0, dp0 = <isize>dst + <isize>i0 * d0;
    for (let i1 = 0; i1 < n1; i1++) {
      const sp1 = sp0 + <isize>i1 * s1, dp1 = dp0 + <isize>i1 * d1;
      for (let i2 = 0; i2 < n2; i2++) {
        const sp2 = sp1 + <isize>i2 * s2, dp2 = dp1 + <isize>i2 * d2;
        for (let i3 = 0; i3 < n3; i3++) {
          const sp3 = sp2 + <isize>i3 * s3, dp3 = dp2 + <isize>i3 * d3;
          for (let i4 = 0; i4 < n4; i4++) {
            const sp = <usize>(sp3 + <isize>i4 * s4), dp = <usize>(dp3 + <isize>i4 * d4);
            if (contig) rowContig(inner * <usize>size, sp, dp);
            else if (splat) rowSplat<T>(inner, sp, dp);
            else rowStrided<T>(inner, sp, s5, dp, d5);
          }
        }
      }
    }
  }
}
