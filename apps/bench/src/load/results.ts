/** The shapes of `results/load.json`: what the load generator prints and what a run keeps. */
import type { MemoryResult } from '../e2e/protocol.ts';
import type { Mode } from './plan.ts';

/** The result line of `wsload load` and `wsload handshakes`. */
export interface WsloadResult {
  mode: 'load' | 'handshakes';
  connections: number;
  size: number;
  inflight: number;
  text: boolean;
  raw: boolean;
  /** Echoes (load) or whole connection cycles (handshakes) completed in the window. */
  counted: number;
  seconds: number;
  /** counted ÷ seconds. */
  rate: number;
  /** Echoes checked byte for byte over the whole run (warm-up and drain included). */
  verified: number;
  /** Messages sent over the whole run; equal to `verified` (the run fails otherwise). */
  sent: number;
  loadCpuSeconds: number;
  /** The load generator's CPU time ÷ the window (1 = a whole core). */
  loadCpuShare: number;
  serverCpuSeconds: number;
  /** The watched server processes' CPU time ÷ the window. */
  serverCpuShare: number;
  /** How many processes were watched. */
  watched: number;
  openSeconds: number;
}

/** One measurement of one contender. */
export interface Sample {
  section: 'throughput' | 'handshakes' | 'deflate' | 'client';
  /** The scenario's letter (b–e); none for handshakes. */
  scenario: string | undefined;
  mode: Mode | undefined;
  /** The server (throughput, handshakes), the client (client) or the library (deflate). */
  subject: string;
  repetition: number;
  /** Messages (or handshakes) per second. */
  rate: number;
  counted?: number | undefined;
  seconds?: number | undefined;
  /** Load-generator rows only: messages sent and echoes verified (equal). */
  sent?: number | undefined;
  verified?: number | undefined;
  serverCpuShare?: number | undefined;
  loadCpuShare?: number | undefined;
}

/** Idle memory per connection, wskit's server against ws's. */
export interface MemoryMeasurement {
  /** Connections counted per run. */
  connections: number;
  requested: number;
  /** Connections opened first in each run and not counted (absent in runs before it existed). */
  warmup?: number;
  note: string | undefined;
  /** The medians of the runs. */
  servers: Partial<Record<'wskit' | 'ws', MemoryResult>>;
  /** Every run, in order (absent in runs before repetitions). */
  runs?: Partial<Record<'wskit' | 'ws', MemoryResult[]>>;
}

/** `results/load.json`. */
export interface LoadDocument {
  schema: 1;
  generatedAt: string;
  mode: 'quick' | 'default';
  command: string;
  durationSeconds: number;
  commit: string | undefined;
  machine: { cpu: string; cores: number };
  versions: Record<string, string | null>;
  pinned: boolean;
  cores: { server: string; load: string };
  settings: {
    repetitions: number;
    warmupSeconds: number;
    durationSeconds: number;
    scenarios: string[];
    handshakeConcurrency: number;
  };
  notes: string[];
  samples: Sample[];
  memory: MemoryMeasurement | undefined;
}
