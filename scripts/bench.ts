import { benchCommand } from "../lib/commands/bench";
import { runMain } from "../lib/commands/cli";

runMain(benchCommand);
