import { runMain } from "./lib/commands/cli";
import { synthCommand } from "./lib/commands/synth";

runMain(synthCommand);
