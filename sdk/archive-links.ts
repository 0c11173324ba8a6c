/**
 * Where an archive's symlinks lead once unpacked, decided the way the kernel follows them, for
 * every place that checks an archive before it is unpacked (the API's template inspector, the
 * runtime's entry checks and its GNU tar gate). A lexical check is not enough: with `s -> .`,
 * `a -> s/..` reads as "." but the kernel resolves `s` first and lands in the parent folder.
 * Paths are relative to the archive root; Node's fs.realpath resolves such chains wrongly, so
 * nothing here touches the disk.
 */

/** More links than this on one path counts as leaving (the kernel gives up at 40 too: ELOOP). */
const MAX_LINK_HOPS = 40;

/** A path's segments, empty and "." ones dropped. */
export function pathSegments(p: string): string[] {
  return p.split("/").filter((s) => s !== "" && s !== ".");
}

/**
 * Follows `start` (segments from the root) through `symlinks` (entry path → target, targets
 * relative to the link's folder) as the kernel would; false when it leaves the root, meets an
 * absolute target or loops.
 */
function staysInside(start: string[], symlinks: ReadonlyMap<string, string>): boolean {
  const stack: string[] = [];
  const queue = [...start];
  let hops = 0;
  while (queue.length > 0) {
    const seg = queue.shift() as string;
    if (seg === "..") {
      if (stack.length === 0) return false;
      stack.pop();
      continue;
    }
    stack.push(seg);
    const target = symlinks.get(stack.join("/"));
    if (target === undefined) continue;
    if (++hops > MAX_LINK_HOPS || target.startsWith("/")) return false;
    stack.pop();
    queue.unshift(...pathSegments(target));
  }
  return true;
}

/** Whether a new symlink `name -> target` points inside the root, through the links known so far. */
export function symlinkStaysInside(name: string, target: string, symlinks: ReadonlyMap<string, string>): boolean {
  if (target.startsWith("/")) return false;
  return staysInside([...pathSegments(name).slice(0, -1), ...pathSegments(target)], symlinks);
}

/**
 * The first symlink that leaves the root once all are in place, or null. Checked when the whole
 * archive is known: a link that was inside when it came can be taken out by a later one
 * (`a -> s/..` first, then `s -> .`).
 */
export function escapingSymlink(symlinks: ReadonlyMap<string, string>): string | null {
  for (const name of symlinks.keys()) if (!staysInside(pathSegments(name), symlinks)) return name;
  return null;
}
