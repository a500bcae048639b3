import { runMain } from "../lib/commands/cli";
import { docsCommand } from "../lib/commands/docs";

// npm run docs runs it from the repository root, where help/ is.
runMain(docsCommand);
