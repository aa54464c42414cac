import type { Checkpoints, FlinkConfigInfo, JobDetail, JobsOverview, Overview, TaskManagers } from './responses.js';

/** The one thing the cycle needs from HTTP; `FlinkRestClient` implements it, tests serve recorded responses. */
export interface RestGetter {
  getJson(path: string, endpoint: string): Promise<unknown>;
}

/** Aggregated value of one metric over a vertex's subtasks (`agg=min,max,sum`). */
export interface Aggregate {
  readonly min?: number;
  readonly max?: number;
  readonly sum?: number;
}

export interface TaskManagerPoll {
  readonly info: TaskManagers['taskmanagers'][number];
  /** Metric id → value, or undefined when the TaskManager's metrics failed this cycle. */
  readonly metrics?: ReadonlyMap<string, number>;
}

export interface VertexPoll {
  readonly id: string;
  /** Metric id → aggregate over subtasks; undefined when the request failed. */
  readonly metrics?: ReadonlyMap<string, Aggregate>;
}

export interface JobPoll {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly detail?: JobDetail;
  readonly metrics?: ReadonlyMap<string, number>;
  readonly checkpoints?: Checkpoints;
  /** Checkpoint interval in ms from `/jobs/:jid/checkpoints/config` (cached per job), when checkpointing is on. */
  readonly checkpointIntervalMs?: number;
  /** Root exceptions counted since the sidecar first saw the job (see ExceptionTracker). */
  readonly exceptions?: number;
  readonly vertices: readonly VertexPoll[];
}

export interface EndpointFailure {
  readonly endpoint: string;
  readonly code: string;
  readonly message: string;
}

/** Everything one poll cycle learned. `reachable` is false when no endpoint answered at all. */
export interface PollOutcome {
  readonly startedAtMs: number;
  readonly reachable: boolean;
  readonly config?: FlinkConfigInfo;
  readonly overview?: Overview;
  readonly jobsOverview?: JobsOverview;
  /** `/taskmanagers` as answered; undefined when it failed (then `taskManagers` is empty and TaskManagers are unknown). */
  readonly taskManagerList?: TaskManagers;
  readonly taskManagers: readonly TaskManagerPoll[];
  readonly jobManagerMetrics?: ReadonlyMap<string, number>;
  readonly jobs: readonly JobPoll[];
  readonly failures: readonly EndpointFailure[];
  /** Endpoint instances (see series-endpoints.ts) whose answer, fresh or cached, is in this outcome. */
  readonly answered: ReadonlySet<string>;
  /** Metric-name discovery requests of this cycle (first sight, refresh, re-discovery of young or incomplete lists). */
  readonly discoveryRequests: number;
  /** 4 + T + Σ over polled jobs (3 + running vertices): the steady-state request count of this cycle. */
  readonly plannedRequests: number;
}
