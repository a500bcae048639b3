import { runMain } from "../lib/commands/cli";
import { policyCommand } from "../lib/commands/policy";

runMain(policyCommand);
