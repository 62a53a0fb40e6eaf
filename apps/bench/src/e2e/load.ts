/**
 * The load generator every echo client runs, runtime-agnostic (Node and Bun import it): a fixed
 * number of messages in flight per connection (the pipeline depth), a warm-up, a timed window in
 * which completed round trips are counted and their latencies sampled, then a drain (no new sends
 * until every message has come back) so that the connections close idle.
 */

/** One open echo connection, whatever the client library. */
export interface EchoConnection {
  /** Sends one message (the payload of the run). */
  send(): void;
  /** Closes the connection and resolves once it is closed (or after a short timeout). */
  close(): Promise<void>;
}

/**
 * Opens one connection; `onEcho` is called once per complete echoed message, in order (an echo
 * server keeps the order of a connection's messages).
 */
export type OpenConnection = (onEcho: () => void) => Promise<EchoConnection>;

/** What to run. */
export interface LoadPlan {
  connections: number;
  /** Messages in flight per connection. */
  depth: number;
  warmupMs: number;
  measureMs: number;
  /** Bytes of each message's payload (for MB/s). */
  payloadBytes: number;
}

/** What was measured in the timed window. */
export interface LoadResult {
  /** Round trips completed in the window. */
  messages: number;
  seconds: number;
  messagesPerSecond: number;
  /** Payload bytes (10^6) echoed per second, counted once (one direction). */
  megabytesPerSecond: number;
  /** Round-trip latency percentiles in milliseconds (send to echo, queueing in the pipeline included). */
  p50Ms: number;
  p99Ms: number;
  latencySamples: number;
}

/** Latencies kept per run at most (reservoir sampling beyond). */
const MAX_LATENCY_SAMPLES = 200_000;
/** How long the drain may take before the run is declared stuck. */
const DRAIN_TIMEOUT_MS = 30_000;

type Phase = 'warmup' | 'measure' | 'drain';

/** Opens the connections, runs the plan and closes them. */
export async function runLoad(open: OpenConnection, plan: LoadPlan): Promise<LoadResult> {
  let phase: Phase = 'warmup';
  let inFlight = 0;
  let messages = 0;
  let seen = 0;
  const latencies = new Float64Array(MAX_LATENCY_SAMPLES);
  let drained: (() => void) | undefined;

  const connections: EchoConnection[] = [];
  const sentAt: number[][] = [];
  for (let index = 0; index < plan.connections; index++) {
    const queue: number[] = [];
    sentAt.push(queue);
    const connection = await open(() => {
      const now = performance.now();
      const started = queue.shift();
      if (started === undefined) throw new Error('an echo arrived for a message never sent');
      if (phase === 'measure') {
        messages++;
        const latency = now - started;
        if (seen < MAX_LATENCY_SAMPLES) latencies[seen] = latency;
        else {
          const slot = Math.floor(Math.random() * (seen + 1));
          if (slot < MAX_LATENCY_SAMPLES) latencies[slot] = latency;
        }
        seen++;
      }
      if (phase === 'drain') {
        if (--inFlight === 0) drained?.();
        return;
      }
      queue.push(performance.now());
      connection.send();
    });
    connections.push(connection);
  }

  for (let round = 0; round < plan.depth; round++) {
    for (let index = 0; index < connections.length; index++) {
      sentAt[index]!.push(performance.now());
      connections[index]!.send();
      inFlight++;
    }
  }

  await sleep(plan.warmupMs);
  phase = 'measure';
  const windowStart = performance.now();
  await sleep(plan.measureMs);
  phase = 'drain';
  const windowEnd = performance.now();
  if (inFlight > 0) {
    await new Promise<void>((resolve, reject) => {
      drained = resolve;
      setTimeout(() => reject(new Error(`${inFlight} messages never came back`)), DRAIN_TIMEOUT_MS).unref?.();
    });
  }
  await Promise.all(connections.map((connection) => connection.close()));

  const seconds = (windowEnd - windowStart) / 1000;
  const sample = latencies.subarray(0, Math.min(seen, MAX_LATENCY_SAMPLES)).sort();
  return {
    messages,
    seconds,
    messagesPerSecond: messages / seconds,
    megabytesPerSecond: (messages * plan.payloadBytes) / seconds / 1e6,
    p50Ms: percentile(sample, 0.5),
    p99Ms: percentile(sample, 0.99),
    latencySamples: sample.length,
  };
}

/** The nearest-rank percentile of sorted values (NaN when there are none). */
export function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank]!;
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
