/**
 * Cleanup that must happen even when the process is interrupted. The caller runs its cleanup
 * in `finally` as usual and registers it here for the time it is pending: on SIGINT, SIGTERM or
 * SIGHUP (Ctrl-C, a cancelled CI job) and on process.exit(), every pending cleanup runs
 * synchronously, then the signal takes its default course (the exit status says which signal).
 * SIGKILL cannot be caught: what it leaves, the next run removes (git/git.ts pruneStaleWorktrees).
 */
const SIGNALS: ReadonlyArray<NodeJS.Signals> = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const pending = new Set<() => void>();
let installed = false;

function runPending(): void {
  for (const cleanup of [...pending]) {
    pending.delete(cleanup);
    try {
      cleanup();
    } catch {
      // One failed cleanup must not keep the others from running.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  runPending();
  uninstall();
  process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('exit', runPending);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  for (const s of SIGNALS) process.off(s, onSignal);
  process.off('exit', runPending);
}

/** Runs `cleanup` if the process is interrupted before the returned release function is called. */
export function onInterrupt(cleanup: () => void): () => void {
  pending.add(cleanup);
  install();
  return () => {
    pending.delete(cleanup);
    if (pending.size === 0) uninstall();
  };
}
