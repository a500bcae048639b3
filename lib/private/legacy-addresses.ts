import { TerraformElement, TerraformResource } from "cdktf";
import { Construct } from "constructs";
// cdktf's own logical-id function (not re-exported from the package root): the legacy addresses must
// be computed exactly as that release computed them. A test pins addresses it produced.
import { makeUniqueId } from "cdktf/lib/private/unique";
import { renderName, stripPlaceholders } from "./name-template";

/**
 * Construct paths (below the stack) under which release b0cba75 and earlier created the stack's
 * resources. Their construct ids came from names as written, so the same object could move to a
 * new address when only its spelling changed; the stack now derives ids from stable keys, and writes
 * a `moved` block from each old address so that a state made by that release plans no change.
 */
export const LEGACY_PATHS = {
  identity: (identityTemplate: string) => [legacyIdentityId(identityTemplate), "Identity"],
  serviceAccount: (identityTemplate: string, namespace: string, serviceAccount: string) => [
    legacyIdentityId(identityTemplate),
    `ServiceAccount-${namespace}-${serviceAccount}`,
  ],
  credential: (identityTemplate: string, namespace: string, serviceAccount: string) => [
    legacyIdentityId(identityTemplate),
    `Credential-${namespace}-${serviceAccount}`,
  ],
  namespace: (namespaceTemplate: string) => [`Namespace-${namespaceTemplate}`],
  vaultGrant: (identityTemplate: string) => ["KeyVault", `SecretsUser-${legacyIdentityId(identityTemplate)}`],
  secretGrant: (identityTemplate: string, secretKey: string) => ["KeyVault", `SecretUser-${legacyIdentityId(identityTemplate)}-${secretKey}`],
  /** A further secret (not the first, which kept its id). */
  secret: (secretKey: string) => ["KeyVault", `Secret-${secretKey}`],
} as const;

/** How that release keyed a secret: its template with a random suffix, else its name; lowercase. */
export function legacySecretKey(template: string, suffix: string | undefined): string {
  return (suffix === undefined ? template : renderName(template, suffix)).toLowerCase();
}

function legacyIdentityId(identityTemplate: string): string {
  return `Workload-${stripPlaceholders(identityTemplate)}`;
}

/** The address a resource of `type` had at `path` (construct ids below the stack). */
export function legacyAddress(type: string, path: readonly string[]): string {
  return `${type}.${makeUniqueId([...path])}`;
}

/**
 * The `moved` blocks from each resource's old address, collected while the stack is built and
 * written as one element. A move is left out when it could mislead Terraform: its old address is a
 * resource of the current configuration (Terraform rejects that), or two resources claim it (that
 * release merged objects this one keeps apart; neither is moved, both plan as usual).
 * Written by this element rather than `TerraformResource.moveFromId`, for the reason ImportBlock
 * gives: cdktf checks `terraform version` through a shell at every synth of a stack with moves.
 */
export class LegacyMoves extends TerraformElement {
  private readonly recorded: Array<{ readonly resource: TerraformResource; readonly from: string }> = [];
  private moves: Array<{ readonly from: string; readonly to: string }> = [];

  constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  public record(resource: TerraformResource, legacyPath: readonly string[]): void {
    this.recorded.push({ resource, from: legacyAddress(resource.terraformResourceType, legacyPath) });
  }

  /** Decides the moves, once every resource exists; `declared` is every resource address of the configuration. */
  public finish(declared: ReadonlySet<string>): void {
    const claims = new Map<string, number>();
    for (const { from } of this.recorded) claims.set(from, (claims.get(from) ?? 0) + 1);
    this.moves = this.recorded
      .filter(({ from }) => !declared.has(from) && claims.get(from) === 1)
      .map(({ resource, from }) => ({ from, to: `${resource.terraformResourceType}.${resource.friendlyUniqueId}` }));
  }

  public toTerraform(): Record<string, unknown> {
    return this.moves.length === 0 ? {} : { moved: this.moves.map((m) => ({ ...m })) };
  }
}
