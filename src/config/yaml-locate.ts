import { isAlias, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
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
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (isAlias(node)) node = node.resolve(doc) ?? null;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (pair === undefined) break;
      const key = pair.key as Node;
      const keyOffset = start(key) ?? offset;
      if (i === segments.length - 1 && at === 'key') return { node: key, offset: keyOffset };
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
  return { node, offset };
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
 */
export function pathAtOffset(doc: Document.Parsed, offset: number): PathSegment[] {
  const path: PathSegment[] = [];
  let node: Node | null = doc.contents;
  for (;;) {
    if (isMap(node)) {
      const pair = node.items.find((item) => spans(item.key as Node, offset) || spans(item.value as Node | null, offset));
      if (pair === undefined || !isScalar(pair.key)) return path;
      path.push(String(pair.key.value));
      if (spans(pair.key as Node, offset)) return path;
      node = pair.value as Node | null;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => spans(item as Node, offset));
      if (index < 0) return path;
      path.push(index);
      node = node.items[index] as Node;
    } else {
      return path;
    }
  }
}

function spans(node: Node | null, offset: number): boolean {
  const range = node?.range;
  return range !== null && range !== undefined && range[0] <= offset && offset < Math.max(range[1], range[0] + 1);
}
