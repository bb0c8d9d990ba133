/**
 * Per-node profile of an OnnxModel (OnnxModel.profile): the mean milliseconds per run of each
 * node and of each op type, sorted by time, and a table for String(profile).
 */
import type { OnnxNode } from './node.js';

export interface ProfileOptions {
  /** Timed runs (default 10). */
  runs?: number;
  /** Untimed runs first (default 1: the first run of a shape builds its plan and packs caches). */
  warmup?: number;
}

export interface NodeTime {
  /** The node's name (or `#k`, its position, when the file gives none); `branch/name` inside an If branch. */
  name: string;
  /** `Conv`, or `domain.Op` outside the default domain. */
  opType: string;
  /** Mean milliseconds per run. */
  ms: number;
}

export interface OpTypeTime {
  opType: string;
  /** Nodes of this type. */
  count: number;
  ms: number;
}

export interface OnnxProfile {
  runs: number;
  /** Mean wall milliseconds of one whole run (feeds checked, outputs made and freed). */
  totalMs: number;
  /** Sum of the (exclusive) node times: totalMs minus this is the executor's own overhead. */
  nodesMs: number;
  nodes: NodeTime[];
  byOpType: OpTypeTime[];
  toString(): string;
}

/** The step times of one compiled graph (the main graph or an If branch that ran). */
export interface GraphTimes {
  graph: string;
  nodes: readonly OnnxNode[];
  /** Exclusive milliseconds summed over the runs, by step. */
  times: Float64Array;
}

export function profileOf(graphs: readonly GraphTimes[], main: string, runs: number, totalMs: number): OnnxProfile {
  const per: NodeTime[] = graphs.flatMap(({ graph, nodes, times }) => nodes.map((n, k) => ({
    name: `${graph === main ? '' : `${graph}/`}${n.name || `#${k}`}`,
    opType: n.domain ? `${n.domain}.${n.opType}` : n.opType,
    ms: times[k] / runs,
  })));
  const byType = new Map<string, OpTypeTime>();
  for (const t of per) {
    const e = byType.get(t.opType) ?? { opType: t.opType, count: 0, ms: 0 };
    e.count++;
    e.ms += t.ms;
    byType.set(t.opType, e);
  }
  const nodesMs = per.reduce((a, t) => a + t.ms, 0);
  const byOpType = [...byType.values()].sort((a, b) => b.ms - a.ms);
  const sorted = per.slice().sort((a, b) => b.ms - a.ms);
  const pct = (ms: number) => `${(totalMs > 0 ? (100 * ms) / totalMs : 0).toFixed(1)}%`;
  return {
    runs, totalMs, nodesMs, nodes: sorted, byOpType,
    toString: () => [
      `profile: ${runs} runs, ${totalMs.toFixed(3)} ms per run, ${nodesMs.toFixed(3)} ms in ${per.length} nodes that ran (${pct(totalMs - nodesMs)} outside them)`,
      'by op type:',
      ...byOpType.map((t) => `  ${t.opType.padEnd(28)} ${String(t.count).padStart(5)}  ${t.ms.toFixed(4).padStart(10)} ms  ${pct(t.ms).padStart(6)}`),
      'slowest nodes:',
      ...sorted.slice(0, 10).map((t) => `  ${tail(t.name, 48).padEnd(48)} ${t.opType.padEnd(20)} ${t.ms.toFixed(4).padStart(10)} ms  ${pct(t.ms).padStart(6)}`),
    ].join('\n'),
  };
}

/** The end of a long name (exporters put the distinguishing part last). */
const tail = (s: string, n: number) => (s.length > n ? `…${s.slice(s.length - n + 1)}` : s);
