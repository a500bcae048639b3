import { runVerify } from "../lib/verify/run";
import { ignoreClosedStdout } from "../lib/private/quiet-pipe";

ignoreClosedStdout();

runVerify(process.argv.slice(2), { env: process.env, cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr }).then((code) => {
  process.exitCode = code;
});
