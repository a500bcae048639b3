import { synth } from "./lib/app/synth";
import { terminalSafe } from "./lib/private/visible-text";

process.exitCode = synth({
  env: process.env,
  cwd: process.cwd(),
  args: process.argv.slice(2),
  stdout: terminalSafe(process.stdout),
  stderr: terminalSafe(process.stderr),
});
