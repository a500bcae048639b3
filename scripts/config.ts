import { explainConfig } from "../lib/app/explain";
import { ignoreClosedStdout } from "../lib/private/quiet-pipe";

ignoreClosedStdout();

process.exitCode = explainConfig({
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  json: process.argv.includes("--json"),
});
