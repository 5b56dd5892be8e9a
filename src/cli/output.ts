// Types only: where the front doors write.

/** Where the CLI writes; the real process streams in production, strings in tests. */
export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Where machine mode writes: `out` of the CLI, with every secret hidden. */
export interface MachineOutput extends Output {
  json(doc: unknown): void;
}
