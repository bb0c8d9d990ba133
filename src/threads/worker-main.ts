/**
 * The body of every pool worker. It is turned into source text with Function.prototype.toString
 * and started from a Blob URL (Web Workers: browsers, Deno, Bun) or with `eval: true` (Node
 * worker_threads), so it must stay self-contained: no imports, no references to anything outside
 * this function, and no function assigned to a name (a minifier's keepNames would wrap it in a
 * helper the worker does not have). The control block layout comes in the start message (pool.ts).
 *
 * Protocol (all words are Int32 in the shared wasm memory, at `ctrl`):
 *  - the worker instantiates the module on the shared memory, reads GEN, then sets STATE[i] = 1;
 *  - the caller writes a job (function index, task count, argument vectors, the mask of the
 *    workers that take part), then bumps GEN (and notifies if anyone sleeps);
 *  - each participant claims tasks with Atomics.add(NEXT) and calls the export with the task's
 *    arguments; an exception stores its text, sets ERR and stops the claiming; then the worker
 *    stores ACK[i] = GEN. Idle workers spin a little, then sleep in Atomics.wait on GEN;
 *  - QUIT set + GEN bumped: the worker returns from its loop and closes.
 */
export interface WorkerPort {
  post(msg: unknown): void;
  listen(fn: (msg: unknown) => void): void;
  close(): void;
  /** Runs fn if the thread ends abruptly (Node: process 'exit'); may be a no-op. */
  onExit(fn: () => void): void;
}

export interface WorkerStart {
  type: 'start';
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctrl: number;
  index: number;
  names: string[];
  layout: Record<string, number>;
}

export function workerMain(port: WorkerPort): void {
  port.listen((raw) => {
    const msg = raw as WorkerStart;
    if (!msg || msg.type !== 'start') return;
    const L = msg.layout;
    const me = msg.index;
    const I = new Int32Array(msg.memory.buffer, msg.ctrl, L.WORDS);
    const F = new Float64Array(msg.memory.buffer, msg.ctrl + L.ARGS_BYTE, L.MAX_TASKS * L.MAX_ARGS);
    let fns: ((...a: number[]) => unknown)[];
    try {
      const inst = new WebAssembly.Instance(msg.module, { env: { memory: msg.memory } });
      fns = msg.names.map((n) => inst.exports[n] as (...a: number[]) => unknown);
    } catch (e) {
      port.post({ type: 'error', message: String((e as Error).message || e) });
      Atomics.store(I, L.STATE + me, 2);
      port.close();
      return;
    }
    port.onExit(() => Atomics.store(I, L.STATE + me, 2));
    let seen = Atomics.load(I, L.GEN);
    Atomics.store(I, L.STATE + me, 1);
    port.post({ type: 'ready' });
    const args: number[] = [];
    for (;;) {
      let g = Atomics.load(I, L.GEN);
      for (let spin = 0; g === seen; g = Atomics.load(I, L.GEN)) {
        if (++spin < L.SPIN) continue;
        Atomics.add(I, L.SLEEPERS, 1);
        Atomics.wait(I, L.GEN, seen);
        Atomics.sub(I, L.SLEEPERS, 1);
        spin = 0;
      }
      seen = g;
      if (Atomics.load(I, L.QUIT)) break;
      if (!(Atomics.load(I, L.MASK) & (1 << me))) continue;
      const n = Atomics.load(I, L.NTASKS);
      const na = Atomics.load(I, L.NARGS);
      const fnIndex = Atomics.load(I, L.FN);
      try {
        if (fnIndex === -1) throw new Error('simdnn: test fault injected in pool worker ' + me);
        if (fnIndex === -2) {
          // Test hook: end this thread abruptly, as a crash would.
          Atomics.store(I, L.STATE + me, 2);
          port.close();
          return;
        }
        const fn = fns[fnIndex];
        for (let t = Atomics.add(I, L.NEXT, 1); t < n; t = Atomics.add(I, L.NEXT, 1)) {
          const base = t * L.MAX_ARGS;
          args.length = na;
          for (let i = 0; i < na; i++) args[i] = F[base + i];
          fn.apply(null, args);
        }
      } catch (e) {
        // The first failure wins: its text goes to the caller, two UTF-16 units per word.
        const text = String((e && (e as Error).stack) || e).slice(0, L.MSG_CHARS);
        if (Atomics.compareExchange(I, L.ERR, 0, me + 1) === 0) {
          for (let i = 0; i < text.length; i++) I[L.MSG + (i >> 1)] = i & 1 ? I[L.MSG + (i >> 1)] | (text.charCodeAt(i) << 16) : text.charCodeAt(i);
          Atomics.store(I, L.MSG_LEN, text.length);
        }
        Atomics.store(I, L.NEXT, n);
      }
      Atomics.store(I, L.ACK + me, g);
    }
    Atomics.store(I, L.STATE + me, 3);
    port.close();
  });
}
