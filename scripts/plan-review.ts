import { runPlanReview } from "../lib/review/run-plan-review";
import { ignoreClosedStdout } from "../lib/private/quiet-pipe";
import { terminalSafe } from "../lib/private/visible-text";

ignoreClosedStdout();

process.exitCode = runPlanReview(process.argv.slice(2), { stdout: terminalSafe(process.stdout), stderr: terminalSafe(process.stderr) });
