import * as path from "path";
import { parseArgs } from "util";
import { configurationNote, readLine, readStackFile, StackFileError } from "../lib/app/stack-file";
import { identityDiagram, SYNTHESIZED_STACK_JSON } from "../lib/review/diagram";
import { ignoreClosedStdout } from "../lib/private/quiet-pipe";
import { terminalSafe, visible, visibleLines } from "../lib/private/visible-text";

ignoreClosedStdout();

const HELP = `usage: npm run diagram -- [path to cdk.tf.json] [--help]

Prints the workload identity chain of the synthesized stack (${SYNTHESIZED_STACK_JSON} unless a
path is given) as a Mermaid flowchart. It says on stderr which file it read, and when that file was
synthesized from another configuration than the current one.

exit codes:
  0  printed
  1  no diagram: bad arguments, or the file is missing, unreadable or not a synthesized stack
`;

const stderr = terminalSafe(process.stderr);

function fail(message: string): number {
  stderr.write(`diagram: ${visible(message)}\n`);
  return 1;
}

function printDiagram(argv: readonly string[]): number {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: { help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
  } catch (error) {
    return fail(`${(error as Error).message.split("\n")[0]}; usage: npm run diagram -- [path to cdk.tf.json] [--help]`);
  }
  if (parsed.values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (parsed.positionals.length > 1) return fail("give one path; usage: npm run diagram -- [path to cdk.tf.json] [--help]");
  const given = parsed.positionals[0] ?? SYNTHESIZED_STACK_JSON;
  const absolute = path.resolve(given);
  let stack;
  try {
    stack = readStackFile(absolute, given);
  } catch (error) {
    if (!(error instanceof StackFileError)) throw error;
    return fail(error.message);
  }
  let diagram: string;
  try {
    diagram = identityDiagram(stack.tf);
  } catch (error) {
    return fail(`${given} is ${(error as Error).message}`);
  }
  stderr.write(`diagram: ${readLine(absolute, stack)}\n`);
  const note = configurationNote(stack.tf, given, process.env, process.cwd());
  if (note !== undefined) stderr.write(`diagram: note: ${note}\n`);
  process.stdout.write(visibleLines(diagram));
  return 0;
}

process.exitCode = printDiagram(process.argv.slice(2));
