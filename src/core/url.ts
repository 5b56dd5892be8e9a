// Which URLs upkeep follows when remote data (an API answer, a mirror index, a redirect) names them.

/**
 * Why `url`, named by remote data fetched from `from`, must not be followed; undefined when it may.
 * Only http and https are followed, and what came over https stays on https (a downgrade would let
 * anyone on the path swap the installer and its checksum together, so it is refused, not warned
 * about). A local directory mirror (`from` is a file: URL) may name only files inside its directory.
 */
export function remoteUrlProblem(url: string, from: string): string | undefined {
  let target: URL;
  let base: URL;
  try {
    target = new URL(url);
    base = new URL(from);
  } catch {
    return `"${url}" is not a valid URL`;
  }
  if (base.protocol === "file:") {
    if (target.protocol !== "file:") return remoteUrlProblem(url, "http://local.invalid/");
    const dir = base.pathname.slice(0, base.pathname.lastIndexOf("/") + 1);
    if (!target.pathname.startsWith(dir) || target.host !== base.host) return `it points outside the mirror directory ${decodeURIComponent(dir)}`;
    return undefined;
  }
  if (target.protocol !== "http:" && target.protocol !== "https:") return `it uses the ${target.protocol} scheme; only http and https are followed`;
  if (base.protocol === "https:" && target.protocol === "http:") return "it would downgrade from https to plain http";
  return undefined;
}
