import { ConfigProblem } from "./errors";
import { AppConfig } from "./types";

/** Switches that mean something only together with another key. Each runs on values that passed their own rules. */
export function choiceProblems(config: Partial<AppConfig>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { keyVault, cluster } = config;
  if (keyVault?.assignOfficerRole === false && keyVault.existing !== true) {
    problems.push({
      path: "keyVault.assignOfficerRole",
      value: false,
      problem: "can be false only for an existing vault: a vault this stack creates has no role assignments, and writing its secrets needs Key Vault Secrets Officer",
      fix: "remove the key, or set keyVault.existing to true for a vault where you hold the role",
    });
  }
  if (cluster?.linuxProfile !== undefined && cluster.existing === true) {
    problems.push({
      path: "cluster.linuxProfile",
      problem: "applies only to a cluster this stack creates or adopts, not to one it looks up (cluster.existing)",
      fix: "remove it, or adopt the cluster with cluster.importId instead",
    });
  }
  return problems;
}
