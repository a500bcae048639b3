import * as path from "path";
import { applyStack } from "../app/deploy";
import { CommandIo, defineCommand, EXIT } from "./cli";
import { synthesizeAndReport } from "./synth";

/** `npm run deploy`: synthesize, then apply, also a change that replaces or updates the cluster. */
export const deployCommand = defineCommand(
  {
    name: "deploy",
    usage: ["npm run deploy -- [--auto-approve]"],
    about: `Synthesizes, then applies: Kubernetes objects are destroyed first when the cluster is replaced, and
the cluster is applied alone first when it changes, because the kubernetes provider is configured
from it. Terraform's questions and output are its own.`,
    options: { "auto-approve": { type: "boolean", help: "apply without asking (terraform -auto-approve -input=false)" } },
    exits: [
      [EXIT.ok, "applied"],
      [EXIT.failed, "synthesis or a Terraform command failed, or terraform is not on the PATH"],
    ],
  },
  async ({ values }, io: CommandIo) => {
    const synthesized = synthesizeAndReport(io);
    if (synthesized === undefined) return EXIT.failed;
    const applied = await applyStack(path.dirname(synthesized.file), { autoApprove: values["auto-approve"] === true }, io);
    return applied ? EXIT.ok : EXIT.failed;
  },
);
