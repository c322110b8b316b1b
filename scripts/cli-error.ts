/** Exit codes of `lz`. */
export const EXIT_OK = 0;
export const EXIT_INVALID_INPUT = 1;
export const EXIT_USAGE = 2;
/** An unexpected failure: a bug or an environment problem, printed with its stack. */
export const EXIT_INTERNAL = 3;
/** The audit found failures at or above the chosen severity. */
export const EXIT_FINDINGS = 4;
/** `lz drift`: what is deployed differs from the configuration of at least one stack. */
export const EXIT_DRIFT = 5;

/** A mistake of the user's: printed as a message only, never with a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_INVALID_INPUT,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
    this.name = 'UsageError';
  }
}
