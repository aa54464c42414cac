/**
 * The likely bottleneck of a job graph, for the status page: the furthest-downstream vertex that is busy while every
 * vertex upstream of it is back-pressured (issue 10 §2). Back-pressure propagates upstream from the slowest
 * operator, so the busy vertex at the downstream end of a back-pressured chain is the one to look at, as Flink's
 * documentation on back-pressure monitoring advises. A source with no upstream is a candidate when it is busy alone.
 * Ratios are of the busiest / most back-pressured subtask (what Flink's web UI colours by).
 */
export interface GraphVertex {
  readonly id: string;
  /** 0..1, or undefined when not known (then the vertex is neither busy nor back-pressured). */
  readonly busy?: number;
  readonly backPressured?: number;
}

export interface GraphEdge {
  /** Upstream vertex id. */
  readonly from: string;
  readonly to: string;
}

/** At or above this a vertex counts as busy / back-pressured: Flink's web UI "HIGH" back-pressure level (50 %). */
export const HIGH = 0.5;

/** Longest-path depth of every vertex from the sources (0 for a source); a cycle's vertices keep the depth reached. */
export function depths(vertices: readonly GraphVertex[], edges: readonly GraphEdge[]): Map<string, number> {
  const depth = new Map(vertices.map((v) => [v.id, 0]));
  // Bellman-Ford style relaxation, at most |V| rounds: job graphs are DAGs and small.
  for (let round = 0; round < vertices.length; round++) {
    let changed = false;
    for (const e of edges) {
      const d = (depth.get(e.from) ?? 0) + 1;
      if (depth.has(e.to) && d > (depth.get(e.to) as number)) {
        depth.set(e.to, d);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return depth;
}

/** The bottleneck vertex id, or undefined when no vertex qualifies. */
export function likelyBottleneck(vertices: readonly GraphVertex[], edges: readonly GraphEdge[]): string | undefined {
  const byId = new Map(vertices.map((v) => [v.id, v]));
  const inputs = new Map<string, string[]>();
  for (const e of edges) inputs.set(e.to, [...(inputs.get(e.to) ?? []), e.from]);
  const upstream = (id: string): Set<string> => {
    const seen = new Set<string>();
    const todo = [...(inputs.get(id) ?? [])];
    while (todo.length > 0) {
      const u = todo.pop() as string;
      if (seen.has(u)) continue;
      seen.add(u);
      todo.push(...(inputs.get(u) ?? []));
    }
    return seen;
  };
  const depth = depths(vertices, edges);
  let best: string | undefined;
  for (const v of vertices) {
    if ((v.busy ?? 0) < HIGH) continue;
    const up = upstream(v.id);
    const allBackPressured = [...up].every((u) => (byId.get(u)?.backPressured ?? 0) >= HIGH);
    if (!allBackPressured) continue;
    if (best === undefined || (depth.get(v.id) ?? 0) > (depth.get(best) ?? 0)) best = v.id;
  }
  return best;
}
