/**
 * The configuration layer's errors are the project's one problem format (path, value, rule, fix),
 * which the constructs use too; it lives below both, in lib/private/problems.ts.
 */
export { ConfigError, formatProblem, formatSource, MAX_LISTED_PROBLEMS, shorten } from "../private/problems";
export type { ConfigProblem, Source } from "../private/problems";
