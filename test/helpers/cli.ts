import { runCli } from '../../scripts/lz';
import { CliIO } from '../../scripts/io';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `lz` in-process with captured output. */
export async function lz(args: ReadonlyArray<string>, cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    out: (t) => (stdout += t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => (stderr += t.endsWith('\n') ? t : `${t}\n`),
    cwd,
    env,
    color: false,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}
