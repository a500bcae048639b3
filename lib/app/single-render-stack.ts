import { TerraformStack } from "cdktf";
import corePackage from "cdktf/package.json";

/**
 * A stack that `App.synth` renders once instead of three times, for a stack whose own validation
 * renders it (the security policy reads the rendered JSON) and that refers to no other stack. The
 * only place this project reaches into how cdktf synthesizes; `npm run bench` measures what it is
 * for (synthesis of 1000 workloads within its target), and its tests state what each core does.
 *
 * - cdktf's `prepareStack` resolves every token of the stack once before synthesis, only to discover
 *   references to other stacks. When this is the app's only stack that pass is skipped on cdktf. CDK
 *   Terrain's pass also records which Terraform functions and provider features the stack uses, for
 *   its version checks, so on cdktn (or beside other stacks) it always runs.
 * - Within `App.synth` (which alone calls `prepareStack`), a validation's render
 *   (`renderForValidation`) is kept, and synthesis, which renders right after the validations, takes
 *   it instead of rendering again. Any other render (`Testing.synth`, HCL) starts afresh.
 */
export abstract class SingleRenderStack extends TerraformStack {
  private rendered?: Record<string, unknown>;
  private synthesizing = false;

  /** The stack's Terraform JSON, for a validation to read; kept for synthesis within `App.synth`. */
  protected renderForValidation(): Record<string, unknown> {
    const rendered = super.toTerraform();
    if (this.synthesizing) this.rendered = rendered;
    return rendered;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  public toTerraform(): any {
    const rendered = this.rendered ?? super.toTerraform();
    this.forgetRender();
    return rendered;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  public toHclTerraform(): any {
    this.forgetRender();
    return super.toHclTerraform();
  }

  public prepareStack(): void {
    this.forgetRender();
    this.synthesizing = true;
    const stacks = this.node.root.node.findAll().filter((c) => TerraformStack.isStack(c));
    if (stacks.length === 1 && corePackage.name === "cdktf") this.ensureBackendExists();
    else super.prepareStack();
  }

  private forgetRender(): void {
    this.rendered = undefined;
    this.synthesizing = false;
  }
}
