import { runMain } from "../lib/commands/cli";
import { diagramCommand } from "../lib/commands/diagram";

runMain(diagramCommand);
