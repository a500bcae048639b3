import { configJson, configTable } from "../app/explain";
import { ConfigError } from "../config/errors";
import { loadConfig } from "../config/load";
import { CONFIG_FILE_VARIABLE } from "../config/schema";
import { CommandIo, defineCommand, EXIT } from "./cli";

/** `npm run config`: the resolved configuration, every key with its value and where it came from. */
export const configCommand = defineCommand(
  {
    name: "config",
    usage: ["npm run config -- [--json]"],
    about: `Prints the resolved configuration: every key, its value (and, with a fixed suffix, the name it
expands to) and where it came from: default, file (AKS_WI_CONFIG), derived, or which environment
variable. It fails with the same errors as synthesis.`,
    options: { json: { type: "boolean", help: "print {config, values} as JSON, values exactly as configured" } },
    exits: [
      [EXIT.ok, "printed"],
      [EXIT.failed, "the configuration is invalid: every problem is listed"],
    ],
  },
  ({ values }, io: CommandIo) => {
    let loaded;
    try {
      loaded = loadConfig({ env: io.env, cwd: io.cwd });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      io.stderr.write(`${error.message}\n`);
      return EXIT.failed;
    }
    io.stdout.write(values.json ? configJson(loaded) : configTable(loaded, io.env[CONFIG_FILE_VARIABLE]));
    return EXIT.ok;
  },
);
