import { runPolicyReport } from "../lib/policy/report";
import { ignoreClosedStdout } from "../lib/private/quiet-pipe";
import { terminalSafe } from "../lib/private/visible-text";

ignoreClosedStdout();

process.exitCode = runPolicyReport({
  args: process.argv.slice(2),
  cwd: process.cwd(),
  env: process.env,
  stdout: terminalSafe(process.stdout),
  stderr: terminalSafe(process.stderr),
});
