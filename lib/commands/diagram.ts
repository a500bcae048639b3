import * as path from "path";
import { configurationNote, readLine, readStackFile, StackFileError } from "../app/stack-file";
import { identityDiagram, SYNTHESIZED_STACK_JSON } from "../review/diagram";
import { visible, visibleLines } from "../private/visible-text";
import { CommandIo, defineCommand, EXIT } from "./cli";

/** `npm run diagram`: the synthesized identity chain as a Mermaid flowchart. */
export const diagramCommand = defineCommand(
  {
    name: "diagram",
    usage: ["npm run diagram -- [path to cdk.tf.json]"],
    about: `Prints the workload identity chain of the synthesized stack (${SYNTHESIZED_STACK_JSON} unless a
path is given) as a Mermaid flowchart. It says on stderr which file it read, and when that file was
synthesized from another configuration than the current one.`,
    options: {},
    positionals: { name: "path", max: 1 },
    exits: [
      [EXIT.ok, "printed"],
      [EXIT.failed, "no diagram: the file is missing, unreadable or not a synthesized stack"],
    ],
  },
  ({ positionals }, io: CommandIo) => {
    const fail = (message: string) => {
      io.stderr.write(`diagram: ${visible(message)}\n`);
      return EXIT.failed;
    };
    const given = positionals[0] ?? SYNTHESIZED_STACK_JSON;
    const absolute = path.resolve(io.cwd, given);
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
    io.stderr.write(`diagram: ${readLine(absolute, stack)}\n`);
    const note = configurationNote(stack.tf, given, io.env, io.cwd);
    if (note !== undefined) io.stderr.write(`diagram: note: ${note}\n`);
    io.stdout.write(visibleLines(diagram));
    return EXIT.ok;
  },
);
