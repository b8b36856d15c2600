// A set in layers, as Prow's layeredsets.String (pkg/layeredsets/string.go): each item is in one
// layer only (the first it was inserted into), lists go layer by layer, each layer sorted, and a
// random pick takes from the first layer that has anyone. Blunderbuss keeps the reviewers of the
// closest OWNERS files in the first layer, so they are asked before those further up.

export class LayeredSet {
  readonly #layers: Set<string>[] = [];

  constructor(layers: Iterable<Iterable<string>> = []) {
    let i = 0;
    for (const layer of layers) this.insert(i++, ...layer);
  }

  /** Adds items to layer `layer`, unless some layer has them already. */
  insert(layer: number, ...items: string[]): void {
    while (this.#layers.length <= layer) this.#layers.push(new Set());
    for (const item of items) if (!this.has(item)) this.#layers[layer]!.add(item);
  }

  delete(...items: string[]): void {
    for (const layer of this.#layers) for (const item of items) layer.delete(item);
  }

  has(item: string): boolean {
    return this.#layers.some((layer) => layer.has(item));
  }

  /** The items not in `other`, each in the layer it was in. */
  difference(other: ReadonlySet<string>): LayeredSet {
    const result = new LayeredSet();
    this.#layers.forEach((layer, i) => result.insert(i, ...[...layer].sort().filter((item) => !other.has(item))));
    return result;
  }

  /** Items of either, `other`'s going where this set does not have them already. */
  union(other: LayeredSet): LayeredSet {
    const result = new LayeredSet();
    this.#layers.forEach((layer, i) => result.insert(i, ...[...layer].sort()));
    other.#layers.forEach((layer, i) => result.insert(i, ...[...layer].sort()));
    return result;
  }

  /**
   * Takes one item out of the first non-empty layer: `choose` gets that layer sorted (Prow sorts
   * it before drawing, so the same random number picks the same person) and returns an index.
   * `undefined` when the set is empty.
   */
  pop(choose: (sorted: readonly string[]) => number): string | undefined {
    for (const layer of this.#layers) {
      if (!layer.size) continue;
      const sorted = [...layer].sort();
      const picked = sorted[choose(sorted)];
      if (picked === undefined) throw new RangeError(`a pick outside the ${sorted.length} candidates`);
      this.delete(picked);
      return picked;
    }
    return undefined;
  }

  /** Layer by layer, each layer sorted. */
  list(): string[] {
    return this.#layers.flatMap((layer) => [...layer].sort());
  }

  toSet(): Set<string> {
    return new Set(this.list());
  }

  get size(): number {
    return this.#layers.reduce((n, layer) => n + layer.size, 0);
  }
}
