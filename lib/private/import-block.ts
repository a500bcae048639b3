import { TerraformElement, TerraformResource } from "cdktf";
import { Construct } from "constructs";

/**
 * The `import` block that brings an existing object under `target`, as `TerraformResource.importFrom`
 * writes it (and the same `imports` entry in the stack's metadata), without the check importFrom adds:
 * that one runs `terraform version` through a shell at every synth, so synthesis fails where Terraform
 * is not installed and, without CHECKPOINT_DISABLE, calls HashiCorp's version service. Import blocks
 * need Terraform 1.5 or later; an older one rejects the block as unsupported (this stack's write-only
 * secret needs 1.11 anyway).
 */
export class ImportBlock extends TerraformElement {
  constructor(
    scope: Construct,
    id: string,
    private readonly target: TerraformResource,
    private readonly importId: string,
  ) {
    super(scope, id);
  }

  public toTerraform(): Record<string, unknown> {
    return { import: [{ id: this.importId, to: `${this.target.terraformResourceType}.${this.target.friendlyUniqueId}` }] };
  }

  public toMetadata(): Record<string, unknown> {
    return { imports: { [this.target.terraformResourceType]: [this.target.friendlyUniqueId] } };
  }
}
