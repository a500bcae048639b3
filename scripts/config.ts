import { explainConfig } from "../lib/app/explain";
import { ignoreClosedStdout } from "../lib/private/quiet-pipe";
import { terminalSafe } from "../lib/private/visible-text";

ignoreClosedStdout();

process.exitCode = explainConfig({
  env: process.env,
  cwd: process.cwd(),
  stdout: terminalSafe(process.stdout),
  stderr: terminalSafe(process.stderr),
  json: process.argv.includes("--json"),
});
