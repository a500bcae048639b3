import * as fs from "fs";
import { identityDiagram, SYNTHESIZED_STACK_JSON } from "../lib/review/diagram";
import { ignoreClosedStdout } from "../lib/private/quiet-pipe";
import { visible, visibleLines } from "../lib/private/visible-text";

ignoreClosedStdout();

function fail(message: string): number {
  process.stderr.write(`diagram: ${visible(message)}\n`);
  return 1;
}

function printDiagram(file: string): number {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return fail(`${file} does not exist; synthesize the stack first (npm run synth), or name a cdk.tf.json`);
    return fail(`cannot read ${file} (${code ?? String(error)})`);
  }
  let tf: unknown;
  try {
    tf = JSON.parse(text);
  } catch (error) {
    return fail(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  let diagram: string;
  try {
    diagram = identityDiagram(tf);
  } catch (error) {
    return fail(`${file} is ${(error as Error).message}`);
  }
  process.stdout.write(visibleLines(diagram));
  return 0;
}

process.exitCode = printDiagram(process.argv[2] ?? SYNTHESIZED_STACK_JSON);
