import { runMain } from "../lib/commands/cli";
import { planReviewCommand } from "../lib/commands/plan-review";

runMain(planReviewCommand);
