/** Security policy as code: rules on the synthesized Terraform JSON, enforced at synthesis. See help/policy.md. */
export { applyPolicy, POLICY_RECORD_ID } from "./apply";
export type { ApplyPolicyOptions } from "./apply";
export { ARTICLE_SUPPRESSIONS } from "./article-exceptions";
export { errorsOf, evaluatePolicy, findingMessage, ruleOutcomes, rulesPassed, unknownMessage } from "./engine";
export { peerUrl } from "./peers";
export { recordedSuppressions } from "./record";
export { RULES, ruleCovering } from "./rules";
export { checkedSuppressions, suppressionIdProblems, SUPPRESSIONS_PATH, validateSuppressions } from "./suppressions";
export * from "./types";
