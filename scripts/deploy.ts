import { runMain } from "../lib/commands/cli";
import { deployCommand } from "../lib/commands/deploy";

runMain(deployCommand);
