import { apiDocsCommand } from "../lib/commands/api-docs";
import { runMain } from "../lib/commands/cli";

// npm run api-docs runs it from the repository root, where lib/ and help/ are.
runMain(apiDocsCommand);
