// Times chosen async methods of Skiff's adapters while a benchmark runs (e.g. the SQS send and
// the trace write inside one webhook ack), by wrapping them on their prototype and restoring
// them afterwards. Instrumentation only: the wrapped code is not changed.

export class StageTimer {
  readonly samples = new Map<string, number[]>();
  private readonly restores: (() => void)[] = [];

  wrap<T extends object>(prototype: T, method: keyof T & string, label: string): void {
    const original = prototype[method] as unknown as (...args: unknown[]) => Promise<unknown>;
    const samples = this.samples.get(label) ?? [];
    this.samples.set(label, samples);
    const timed = async function (this: unknown, ...args: unknown[]) {
      const start = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        samples.push(performance.now() - start);
      }
    };
    (prototype as Record<string, unknown>)[method] = timed;
    this.restores.push(() => {
      (prototype as Record<string, unknown>)[method] = original;
    });
  }

  restore(): void {
    for (const restore of this.restores.splice(0).reverse()) restore();
  }
}
