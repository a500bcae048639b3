import { runPolicyReport } from "../lib/policy/report";

// `npm run policy | head` closes the pipe early; that is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});

process.exitCode = runPolicyReport({ args: process.argv.slice(2), cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr });
