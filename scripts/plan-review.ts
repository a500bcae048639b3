import { runPlanReview } from "../lib/review/run-plan-review";
import { ignoreClosedStdout } from "../lib/private/quiet-pipe";

ignoreClosedStdout();

process.exitCode = runPlanReview(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
