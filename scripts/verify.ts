import { runVerify } from "../lib/verify/run";
import { ignoreClosedStdout } from "../lib/private/quiet-pipe";
import { terminalSafe } from "../lib/private/visible-text";

ignoreClosedStdout();

runVerify(process.argv.slice(2), { env: process.env, cwd: process.cwd(), stdout: terminalSafe(process.stdout), stderr: terminalSafe(process.stderr) }).then((code) => {
  process.exitCode = code;
  // Requests are aborted at their time limit, but a credential plugin the kubeconfig runs (kubelogin)
  // may still be waiting for a login: the verdict is given, so it may not keep verify running.
  setTimeout(() => process.exit(code), 2000).unref();
});
