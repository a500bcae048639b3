import { runPlanReview } from "../lib/review/run-plan-review";

// `plan-review plan.json | head` closes the pipe early; that is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});

process.exitCode = runPlanReview(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
