// The shape of a naming rule, on its own so that the rules (naming-rules.ts) and the helper that
// builds most of them (private/pattern-rule.ts) share it without importing each other.

/**
 * The naming rules Azure and Kubernetes enforce at apply time, checked before synthesis: by each
 * construct on its props, and by the configuration layer on the file (which adds the config path and
 * where the value came from). Each rule states itself (`rule`), explains what is wrong with a value
 * (`problem`), and how to mend it (`fix`).
 */
export interface NameRule {
  /** The rule in one line, as printed in errors and in help/configuration.md. */
  readonly rule: string;
  /** What breaks the rule in `value`, or undefined when it complies. */
  problem(value: string): string | undefined;
  /** How to make a value comply. */
  readonly fix: string;
  /**
   * What breaks the rule in a value of which only `parts` are known at synth, the rest being cdktf
   * tokens resolved at apply (such as a random suffix): a length the known parts already exceed, or
   * a character the rule never allows. Undefined when the value could still comply.
   * @default - the known parts are not checked
   */
  knownPartsProblem?(parts: readonly string[]): string | undefined;
}
