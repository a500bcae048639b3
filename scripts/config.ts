import { parseArgs } from "util";
import { explainConfig } from "../lib/app/explain";
import { ignoreClosedStdout } from "../lib/private/quiet-pipe";
import { terminalSafe, visible } from "../lib/private/visible-text";

ignoreClosedStdout();

const USAGE = "usage: npm run config -- [--json] [--help]";
const HELP = `${USAGE}

Prints the resolved configuration: every key, its value (and, with a fixed suffix, the name it
expands to) and where it came from: default, file (AKS_WI_CONFIG), derived, or which environment
variable. --json prints the same as JSON. It fails with the same errors as synthesis.

exit codes:
  0  printed
  1  the configuration is invalid: every problem is listed
  2  usage: an unknown argument
`;

function main(): number {
  let json = false;
  try {
    const { values } = parseArgs({ args: process.argv.slice(2), options: { json: { type: "boolean" }, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: false });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    json = values.json === true;
  } catch (error) {
    process.stderr.write(`config: ${visible((error as Error).message.split("\n")[0])}; ${USAGE}\n`);
    return 2;
  }
  return explainConfig({ env: process.env, cwd: process.cwd(), stdout: terminalSafe(process.stdout), stderr: terminalSafe(process.stderr), json });
}

process.exitCode = main();
