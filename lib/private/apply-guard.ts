/**
 * The Terraform expressions that let a plan run without a secret's value and stop every apply that
 * lacks it. RbacKeyVault writes them, the stack builds the presence test, and the security policy
 * recognises exactly them: one definition, so the three cannot drift apart.
 */

/** True when `value` (an expression, without `${}`) is present and not empty; try() reads null as absent. */
export function presenceTest(value: string): string {
  return `try(length(${value}) > 0, false)`;
}

/**
 * The precondition's condition. `timestamp()` is unknown while planning, so a plan defers the
 * condition and never fails on it; every apply knows it, so an apply without the value stops at the
 * resource before the provider is called. Conditions that remember what was written (in state) were
 * tried and fail open: a guard created by a failed apply lets the next apply write the placeholder.
 */
export function applyGuard(presence: string): string {
  return `\${(${presence}) || timestamp() == ""}`;
}
