import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { PathSegment } from './yaml-path.js';

/** What a path resolves to in a parsed document. */
export interface LocatedNode {
  /** The deepest node reached (the value at the path when it exists). */
  node: Node | null;
  /** Source offset to report: the value, or the key when asked for or when the value is empty. */
  offset: number;
}

/**
 * Walks a parsed document along `segments` (following aliases) and returns
 * the node there with the offset a diagnostic should point at. Stops at the
 * deepest existing node when the path leaves the document. O(depth × keys
 * per mapping); called only for findings that are reported.
 */
export function locateNode(doc: Document.Parsed, segments: readonly PathSegment[], at: 'key' | 'value'): LocatedNode {
  let node: Node | null = doc.contents;
  let offset = start(node) ?? 0;
  // A path through an alias is reported at the alias: that occurrence is
  // what the path names (a duplicate at its second occurrence, say), while
  // the node found is the anchored one.
  let alias: number | undefined;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (isAlias(node)) {
      alias ??= start(node);
      node = node.resolve(doc) ?? null;
    }
    if (isMap(node)) {
      const pair = pairsByKey(node).get(String(segment));
      if (pair === undefined) break;
      const key = pair.key as Node;
      const keyOffset = start(key) ?? offset;
      if (i === segments.length - 1 && at === 'key') return { node: key, offset: alias ?? keyOffset };
      node = (pair.value as Node | null) ?? null;
      // An empty value has a zero-width range after the colon; the key reads better.
      const range = node?.range;
      offset = range === null || range === undefined || range[0] === range[1] ? keyOffset : range[0];
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (item === undefined) break;
      node = item;
      offset = start(item) ?? offset;
    } else {
      break;
    }
  }
  return { node, offset: alias ?? offset };
}

// Each mapping's pairs by key, built once: many findings in one large
// mapping (50,000 portals) would otherwise search it once each.
const PAIRS = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairsByKey(map: YAMLMap): Map<string, Pair> {
  let index = PAIRS.get(map);
  if (index === undefined) {
    index = new Map();
    for (const item of map.items) {
      // The first pair wins, as the former linear search found it.
      if (isScalar(item.key) && !index.has(keyName(item.key.value))) index.set(keyName(item.key.value), item as Pair);
    }
    PAIRS.set(map, index);
  }
  return index;
}

function start(node: Node | null): number | undefined {
  return node?.range?.[0];
}

/** The scalar's text and explicit tag as written in the file (for "quote it" hints). */
export function scalarSource(located: LocatedNode): { source: string; tag?: string } | undefined {
  if (!isScalar(located.node)) return undefined;
  const { tag } = located.node;
  const source = located.node.source ?? '';
  if (tag === undefined) return { source };
  // Written as `!!float`; yaml stores the resolved `tag:yaml.org,2002:float`.
  return { source, tag: tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag };
}

/**
 * The path of the innermost key or value that starts at or spans `offset`
 * (e.g. a duplicate key yaml reported by position), or [] when none does.
 * Binary search per level (items are in source order), so reporting many
 * positions in a long list stays fast.
 */
export function pathAtOffset(doc: Document.Parsed, offset: number): PathSegment[] {
  const path: PathSegment[] = [];
  let node: Node | null = doc.contents;
  for (;;) {
    if (isMap(node)) {
      const pairs = node.items;
      const index = lastStartingBefore(pairs.length, (i) => start((pairs[i]?.key as Node | null) ?? null) ?? start((pairs[i]?.value as Node | null) ?? null), offset);
      const pair = index < 0 ? undefined : pairs[index];
      if (pair === undefined || !isScalar(pair.key)) return path;
      const onKey = spans(pair.key as Node, offset);
      if (!onKey && !spans(pair.value as Node | null, offset)) return path;
      path.push(keyName(pair.key.value));
      if (onKey) return path;
      node = pair.value as Node | null;
    } else if (isSeq(node)) {
      const items = node.items as Node[];
      const index = lastStartingBefore(items.length, (i) => start(items[i] ?? null), offset);
      if (index < 0 || !spans(items[index] ?? null, offset)) return path;
      path.push(index);
      node = items[index] ?? null;
    } else {
      return path;
    }
  }
}

/** The last index in [0, length) whose start is at or before `offset`, or -1. */
function lastStartingBefore(length: number, startOf: (index: number) => number | undefined, offset: number): number {
  let low = 0;
  let high = length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const at = startOf(middle);
    if (at !== undefined && at <= offset) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

function spans(node: Node | null, offset: number): boolean {
  const range = node?.range;
  return range !== null && range !== undefined && range[0] <= offset && offset < Math.max(range[1], range[0] + 1);
}

/** A mapping key as text; YAML 1.1's merge key `<<` is a Symbol in yaml's tree. */
export function keyName(value: unknown): string {
  return typeof value === 'symbol' ? (value.description ?? '') : String(value);
}
