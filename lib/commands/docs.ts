import * as fs from "fs";
import * as path from "path";
import { renderConfigReference } from "../config/reference";
import { CommandIo, defineCommand, EXIT } from "./cli";

/** Where the configuration reference is written, relative to the repository root. */
const REFERENCE = path.join("help", "configuration.md");

/** `npm run docs`: regenerates help/configuration.md from the schema. */
export const docsCommand = defineCommand(
  {
    name: "docs",
    usage: ["npm run docs"],
    about: `Regenerates ${REFERENCE} (every configuration key, its default and its rule) from the
schema, in the repository root (npm run starts it there). It ends with one line on stderr naming
the file written.`,
    options: {},
    exits: [
      [EXIT.ok, "written"],
      [EXIT.failed, "the file cannot be written"],
    ],
  },
  (_args, io: CommandIo) => {
    const file = path.join(io.cwd, REFERENCE);
    try {
      fs.writeFileSync(file, renderConfigReference());
    } catch (error) {
      io.stderr.write(`docs: cannot write ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})\n`);
      return EXIT.failed;
    }
    io.stderr.write(`docs: wrote ${REFERENCE}\n`);
    return EXIT.ok;
  },
);
