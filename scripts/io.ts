/** Where a command writes. Tests pass buffers; the entry point passes the process streams. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly color: boolean;
}

export function processIO(): CliIO {
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    cwd: process.cwd(),
    env: process.env,
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  };
}
