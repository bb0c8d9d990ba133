/** Number formatting as Python's repr(float), so extraRepr() reads as PyTorch's (eps=1e-05). */
export function pyFloat(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e16)) {
    return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2'); // 1e-5 -> 1e-05, as Python
  }
  return Number.isInteger(v) ? `${v}.0` : String(v);
}
