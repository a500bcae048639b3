import { runMain } from "../lib/commands/cli";
import { configCommand } from "../lib/commands/config";

runMain(configCommand);
