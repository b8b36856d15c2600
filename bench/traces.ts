// Reads the final traces of many deliveries straight from the store local mode writes them to
// (the read API's data, without an HTTP round trip per delivery).
import type { Trace } from '../shared/storage/ports.js';
import type { BenchStack } from './local-stack.js';
import { mapPool } from './map-pool.js';

export async function readTraces(stack: BenchStack, deliveries: readonly string[]): Promise<Map<string, Trace | undefined>> {
  const traces = await mapPool(deliveries, 16, (delivery) => stack.skiff.dispatchDeps.traces.get(delivery));
  return new Map(deliveries.map((delivery, i) => [delivery, traces[i]]));
}

/** Milliseconds from the webhook's receipt to the trace's last update (the worker's finish). */
export const queueToProcessedMs = (trace: Trace): number => Date.parse(trace.updatedAt) - Date.parse(trace.receivedAt);
