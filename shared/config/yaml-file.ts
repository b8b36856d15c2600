// One config file's YAML → its value, read as Prow reads it (sigs.k8s.io/yaml over go-yaml):
// anchors, aliases and `<<` merge keys in any number. What bounds the work is the size of the
// document once its aliases are expanded, not how many there are: a billion-laughs file is a
// few hundred bytes that expand to 9^9 nodes, while istio's config.yaml uses ~70 aliases and
// expands to a few thousand. Whatever a file holds, the result is a value or issues naming the
// file, line and column — never an exception from the parser.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { ConfigIssue } from './issues.js';

export interface ConfigFile {
  path: string;
  text: string;
}

/** A file that parsed: its value and what is needed to point at a place in it. */
export interface LoadedFile {
  path: string;
  value: unknown;
  doc: Document;
  lines: LineCounter;
}

/**
 * The most nodes (mappings, lists, values) one file may expand to: two hundred times the largest
 * real config in the fixtures (istio's config.yaml expands to about 4,900; kubernetes'
 * plugins.yaml has about 2,100), while a billion-laughs bomb expands to 400 million.
 */
export const maxExpandedNodes = 1_000_000;

export function loadYamlFile(file: ConfigFile): LoadedFile | ConfigIssue[] {
  const lines = new LineCounter();
  let doc: Document;
  try {
    // merge: `<<` merges a mapping in (YAML 1.1's merge key, which go-yaml applies), rather than
    // being a key named "<<". uniqueKeys (the default): a key twice in one mapping is an error,
    // as go-yaml makes it.
    doc = parseDocument(file.text, { merge: true, lineCounter: lines, prettyErrors: false });
  } catch (error) {
    // Nesting deep enough to overflow the parser's stack.
    return [{ severity: 'error', file: file.path, message: `cannot load: ${describe(error)}` }];
  }
  if (doc.errors.length) {
    return doc.errors.map((e) => ({ severity: 'error', file: file.path, ...at(lines, e.pos[0]), message: e.message }));
  }
  let value: unknown;
  try {
    // -1: no alias count limit; the expanded size is bounded below instead. Aliases become shared
    // references here, so this step is linear in the file however much they would expand.
    value = doc.toJS({ maxAliasCount: -1 });
  } catch (error) {
    return [{ severity: 'error', file: file.path, message: `cannot load: ${describe(error)}` }];
  }
  const size = expandedSize(value);
  if (typeof size === 'string') return [{ severity: 'error', file: file.path, message: `cannot load: ${size}` }];
  return { path: file.path, value, doc, lines };
}

/**
 * How many nodes `value` has with every shared reference (alias) counted each time it is used,
 * or why it cannot be used. Memoised per object, so a bomb is measured without expanding it.
 */
function expandedSize(root: unknown): number | string {
  const sizes = new Map<object, number>();
  const open = new Set<object>();
  const visit = (value: unknown): number | string => {
    if (typeof value !== 'object' || value === null) return 1;
    const known = sizes.get(value);
    if (known !== undefined) return known;
    if (open.has(value)) return 'an alias refers to a node that contains it, so it never ends';
    open.add(value);
    let total = 1;
    const children = value instanceof Map ? [...value.keys(), ...value.values()] : Object.values(value);
    for (const child of children) {
      const size = visit(child);
      if (typeof size === 'string') return size;
      total += size;
      if (total > maxExpandedNodes) return `its aliases expand to more than ${maxExpandedNodes.toLocaleString('en-US')} nodes (a YAML bomb?)`;
    }
    open.delete(value);
    sizes.set(value, total);
    return total;
  };
  try {
    return visit(root);
  } catch (error) {
    return describe(error);
  }
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

const at = (lines: LineCounter, offset: number | undefined) => {
  if (offset === undefined) return {};
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
};

/**
 * Where `path` is in the file, 1-based: its key when `key` is set and the last step is a
 * mapping key, else its value. A path that leaves what the file spells out (a key brought in by a
 * `<<` merge, a default) stops at the nearest place written in the file.
 */
export function positionIn(file: LoadedFile, path: readonly PropertyKey[], options: { key?: boolean } = {}): { line?: number; column?: number } {
  let node: unknown = file.doc.contents;
  let offset = rangeStart(node);
  for (const [i, step] of path.entries()) {
    if (isAlias(node)) node = node.resolve(file.doc);
    let next: unknown;
    let keyNode: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(step));
      next = pair?.value;
      keyNode = pair?.key;
    } else if (isSeq(node) && typeof step === 'number') {
      next = node.items[step];
    }
    if (next === undefined && keyNode === undefined) break;
    const last = i === path.length - 1;
    offset = (last && options.key ? rangeStart(keyNode) : undefined) ?? rangeStart(next) ?? rangeStart(keyNode) ?? offset;
    node = next;
  }
  return at(file.lines, offset);
}

const rangeStart = (node: unknown): number | undefined => (node && typeof node === 'object' && 'range' in node ? (node as Node).range?.[0] : undefined);
