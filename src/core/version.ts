// semver.org's own pattern. Checking a version needs no semver library, which keeps start-up light
// (comparing does: see compare.ts).
const STRICT =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/**
 * `text` if it is a strict semantic version (`1.2.3`, `1.2.3-rc.1+build.5`), else undefined.
 * No leading `v`, `=` or spaces, no leading zeros: the rules of Rust's `semver` crate that axoupdater uses.
 */
export function strictVersion(text: string): string | undefined {
  return STRICT.test(text) && text.length <= 256 ? text : undefined;
}

/**
 * The version a release tag names for `app`, following axotag: `v1.2.3`, `1.2.3`, `app-v1.2.3`,
 * `app/v1.2.3`, `releases/app/1.2.3`, `release/v1.2.3`…; undefined when the tag is not one of this app's.
 */
export function versionFromTag(tag: string, app: string): string | undefined {
  let candidate = tag;
  let packageMatched = false;
  const slash = tag.lastIndexOf("/");
  if (slash >= 0) {
    candidate = tag.slice(slash + 1);
    const before = tag.slice(0, slash).split("/").pop();
    packageMatched = before === app;
  }
  if (!packageMatched && candidate.startsWith(`${app}-`)) candidate = candidate.slice(app.length + 1);
  if (candidate.startsWith("v")) candidate = candidate.slice(1);
  return strictVersion(candidate);
}

/** A `--version` argument: strict semver, with one leading `v` forgiven (unlike axoupdater). */
export function versionFromArgument(text: string): string | undefined {
  return strictVersion(text.startsWith("v") ? text.slice(1) : text);
}
