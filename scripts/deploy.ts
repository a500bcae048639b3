import { runDeploy } from "../lib/app/deploy";
import { ignoreClosedStdout } from "../lib/private/quiet-pipe";
import { terminalSafe } from "../lib/private/visible-text";

ignoreClosedStdout();

runDeploy(process.argv.slice(2), { env: process.env, cwd: process.cwd(), stdout: terminalSafe(process.stdout), stderr: terminalSafe(process.stderr) }).then((code) => {
  process.exitCode = code;
});
