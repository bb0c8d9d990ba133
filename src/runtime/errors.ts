/**
 * Typed errors. Every error simdnn throws on purpose is a SimdnnError subclass whose message
 * names what was wrong and what was expected. The engine stays usable after any of them.
 */
export class SimdnnError extends Error {
  // Names are literal (not new.target.name) so they survive minification.
  override name = 'SimdnnError';
  constructor(message: string) {
    super(message);
  }
}

/** A tensor of the wrong shape (or rank) was passed. */
export class ShapeError extends SimdnnError {
  override name = 'ShapeError';
}

/** A tensor of the wrong dtype was passed. */
export class DTypeError extends SimdnnError {
  override name = 'DTypeError';
}

/** A bad non-tensor argument (option value, size, index...). */
export class ArgumentError extends SimdnnError {
  override name = 'ArgumentError';
}

/** A tensor or module was used after dispose(). */
export class DisposedError extends SimdnnError {
  override name = 'DisposedError';
}

/** The wasm memory cannot grow to satisfy a request. */
export class OutOfMemoryError extends SimdnnError {
  override name = 'OutOfMemoryError';
  constructor(
    message: string,
    readonly requestedBytes: number,
    readonly limitBytes: number,
  ) {
    super(message);
  }
}

/** init() failed: the wasm could not be found, fetched, validated or instantiated. */
export class InitError extends SimdnnError {
  override name = 'InitError';
}

/** The engine was used before init() or initSync() finished. */
export class NotInitializedError extends SimdnnError {
  override name = 'NotInitializedError';
}

/** A .safetensors file is malformed or hostile; nothing was allocated for it. */
export class SafetensorsError extends SimdnnError {
  override name = 'SafetensorsError';
}

/** loadStateDict() found missing, unexpected or mis-shaped keys. */
export class StateDictError extends SimdnnError {
  override name = 'StateDictError';
  constructor(
    message: string,
    readonly missing: string[] = [],
    readonly unexpected: string[] = [],
    readonly mismatched: string[] = [],
  ) {
    super(message);
  }
}

/** A kernel assert failed in the debug build (file and line from AssemblyScript). */
export class KernelAssertError extends SimdnnError {
  override name = 'KernelAssertError';
}

/** @internal Formats a shape for error messages: [2, 3]. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * An .onnx file or graph is malformed, hostile or unsupported, or a run was fed the wrong inputs.
 * The message names the field, node and op; nothing stays allocated and the engine stays usable.
 */
export class OnnxError extends SimdnnError {
  override name = 'OnnxError';
}

/** A task failed on a pool worker (a trap or an exception), or a worker died: see the message. */
export class ThreadError extends SimdnnError {
  override name = 'ThreadError';
}
