import { runCli } from '../scripts/lz';

/**
 * Runs one `lz` command in this (fresh) process and prints, as its last line, a JSON record of
 * the exit code, this process's peak memory and CPU time (all its threads: V8 collects garbage
 * and compiles on helper threads) and what the command printed. The benchmark times
 * the whole process from the outside, start-up included, as a user would.
 *
 *   node -r ts-node/register/transpile-only bench/measure-cli.ts <lz arguments...>
 */
let out = '';
let err = '';
const io = {
  out: (t: string) => (out += t.endsWith('\n') ? t : `${t}\n`),
  err: (t: string) => (err += t.endsWith('\n') ? t : `${t}\n`),
  cwd: process.cwd(),
  env: process.env,
  color: false,
};
runCli(process.argv.slice(2), io).then((code) => {
  const cpu = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ code, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), cpuSeconds: (cpu.user + cpu.system) / 1e6, out, err: err.slice(-4000) })}\n`);
});
