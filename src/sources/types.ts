import type { Release, UpdateRequest } from "../types.js";

/** Somewhere releases can be looked up (GitHub today; mirrors later). */
export interface ReleaseSource {
  /** A mirror gets no token, and its installers must carry a SHA-256. */
  readonly kind: "github" | "mirror";
  /** For messages: "GitHub repository axodotdev/axolotlsay". */
  readonly description: string;
  /** The release the request selects; RELEASE_NOT_FOUND (or NO_INSTALLER) when there is none. */
  find(request: UpdateRequest): Promise<Release>;
  /** Where the release's installer should download its archives from, when not its built-in default. */
  downloadBase?(release: Release): string | undefined;
}
