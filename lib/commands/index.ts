import { apiDocsCommand } from "./api-docs";
import { benchCommand } from "./bench";
import { Command } from "./cli";
import { configCommand } from "./config";
import { deployCommand } from "./deploy";
import { diagramCommand } from "./diagram";
import { docsCommand } from "./docs";
import { planReviewCommand } from "./plan-review";
import { planReviewCommentCommand } from "./plan-review-comment";
import { policyCommand } from "./policy";
import { synthCommand } from "./synth";
import { verifyCommand } from "./verify";

/** Every command, by the entry that runs it (scripts/run.js NAME; `main` is synth). */
export const COMMANDS: Readonly<Record<string, Command>> = {
  main: synthCommand,
  config: configCommand,
  diagram: diagramCommand,
  policy: policyCommand,
  "plan-review": planReviewCommand as Command,
  "plan-review-comment": planReviewCommentCommand,
  deploy: deployCommand,
  verify: verifyCommand as Command,
  bench: benchCommand,
  docs: docsCommand,
  "api-docs": apiDocsCommand,
};
