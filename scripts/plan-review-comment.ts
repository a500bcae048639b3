import { runMain } from "../lib/commands/cli";
import { planReviewCommentCommand } from "../lib/commands/plan-review-comment";

runMain(planReviewCommentCommand);
