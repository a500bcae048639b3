import { runPlanReviewComment } from "../lib/review/run-plan-review-comment";
import { ignoreClosedStdout } from "../lib/private/quiet-pipe";
import { terminalSafe } from "../lib/private/visible-text";

ignoreClosedStdout();

runPlanReviewComment(process.argv.slice(2), { stdout: terminalSafe(process.stdout), stderr: terminalSafe(process.stderr) }, process.env).then((status) => {
  process.exitCode = status;
});
