import { runPolicyReport } from "../lib/policy/report";
import { ignoreClosedStdout } from "../lib/private/quiet-pipe";

ignoreClosedStdout();

process.exitCode = runPolicyReport({ args: process.argv.slice(2), cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr });
