// Bounds on what a YAML file (a suite, a simulator flows file) can make flowbench build: its size, the
// nodes its aliases expand to (a "billion laughs" document), and a linear check of duplicate keys.
import { isAlias, isCollection, isPair, isScalar, visit, type Alias, type Document, type Node } from 'yaml';

/** Largest YAML file read. Suites are a few KB: rows belong in the dataset file, answers in a CSV. */
export const MAX_YAML_BYTES = 1024 * 1024;

/**
 * Nodes that aliases may add to a document, all aliases together. Reuse (`*defaults` in a few places)
 * adds tens; nine nested aliases of nine add 43 million, which the schema walk would build one by one.
 */
export const MAX_ALIAS_NODES = 100_000;

/**
 * The `yaml` library's own guard for toJS() (alias uses × the aliases nested in their anchor), set to the
 * same budget: aliasFindings runs first and names the line, this stays as the library's backstop.
 */
export const MAX_ALIAS_COUNT = MAX_ALIAS_NODES;

export interface AliasFindings {
  /** Each alias's node: the last node before it with its anchor (the YAML rule), or absent when none. */
  targets: Map<Alias, Node>;
  /** The alias at which the expansion went over MAX_ALIAS_NODES, or that sits inside the node it names. */
  excess: { alias: Alias; kind: 'expansion' | 'cycle' } | null;
}

/**
 * Resolves every alias once and counts what they expand to, in time linear in the document: each
 * node's expanded size is computed once (memoised), so a bomb is measured, never walked.
 */
export function aliasFindings(doc: Document.Parsed): AliasFindings {
  const targets = new Map<Alias, Node>();
  const anchors = new Map<string, Node>();
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (target) targets.set(node, target);
      } else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  if (targets.size === 0) return { targets, excess: null };

  const sizes = new Map<unknown, number>();
  const open = new Set<unknown>();
  let cycle: Alias | null = null;
  // Nodes this one stands for when expanded; an alias to a node it sits inside is a cycle (counted 1).
  const size = (n: unknown): number => {
    if (n === null || n === undefined) return 0;
    const known = sizes.get(n);
    if (known !== undefined) return known;
    if (isAlias(n)) {
      const t = targets.get(n);
      if (t && open.has(t)) {
        cycle ??= n;
        return 1;
      }
      return t ? size(t) : 1;
    }
    if (isPair(n)) return size(n.key) + size(n.value);
    let s = 1;
    if (isCollection(n)) {
      open.add(n);
      for (const item of n.items) s += size(item);
      open.delete(n);
    }
    sizes.set(n, s);
    return s;
  };
  let added = 0;
  let excess: AliasFindings['excess'] = null;
  visit(doc, {
    Alias: (_key, alias) => {
      const t = targets.get(alias);
      if (!t) return;
      added += size(t);
      if (cycle) excess = { alias: cycle, kind: 'cycle' };
      else if (added > MAX_ALIAS_NODES) excess = { alias, kind: 'expansion' };
      return excess ? visit.BREAK : undefined;
    },
  });
  return { targets, excess };
}

/** What to say about aliasFindings' excess; the caller puts it at the alias's line. */
export function aliasExcessMessage(excess: NonNullable<AliasFindings['excess']>): { message: string; hint: string } {
  const name = `*${excess.alias.source}`;
  if (excess.kind === 'cycle') {
    return { message: `YAML alias ${name} sits inside the node its anchor names, so it never ends`, hint: `write the value out instead of ${name}` };
  }
  return {
    message: `YAML aliases expand to more than ${MAX_ALIAS_NODES.toLocaleString('en-US')} values (${name} here goes over the limit)`,
    hint: 'write the values out: nested aliases multiply (nine lists of nine aliases each stand for 43 million values)',
  };
}

/** The message for a YAML file over MAX_YAML_BYTES; `what` names it ("suite file"). */
export function tooBigMessage(what: string, bytes: number): string {
  const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;
  return `${what} is ${mb(bytes)}, over the ${mb(MAX_YAML_BYTES)} a YAML file may be`;
}

/**
 * The first key that repeats one before it in its mapping, or null. Replaces the library's uniqueKeys
 * check, which compares each key with every earlier one (quadratic: a 1 MB mapping took many seconds).
 */
export function firstDuplicateKey(doc: Document.Parsed): Node | null {
  let found: Node | null = null;
  visit(doc, {
    Map: (_key, map) => {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const k = pair.key;
        if (!isScalar(k)) continue; // a mapping or list as a key equals no other
        if (seen.has(k.value)) {
          found = k;
          return visit.BREAK;
        }
        seen.add(k.value);
      }
      return undefined;
    },
  });
  return found;
}
