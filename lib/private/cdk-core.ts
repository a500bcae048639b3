import util from "util";
import corePackage from "cdktf/package.json";

/**
 * The one place that knows which core runs this code. Everything imports `cdktf`; that package is
 * HashiCorp's cdktf 0.21, or CDK Terrain's cdktn installed under the same name (an npm alias, so
 * the prebuilt `@cdktf/provider-*` packages load the same copy: help/cdk-terrain.md). The two
 * behave alike except where this module says otherwise.
 */
export const CDK_CORE: { readonly name: string; readonly version: string } = {
  name: corePackage.name,
  version: corePackage.version,
};

/**
 * Whether `TerraformStack.prepareStack()` does no more than cdktf 0.21's: add the default backend,
 * then resolve every token once, only to find references to other stacks. cdktn's resolve also
 * records which Terraform functions and provider features (write-only arguments) this synthesis
 * uses, for validations that check them against the Terraform versions the project targets; a stack
 * that skipped it there would pass those validations unchecked. Any core but cdktf counts as cdktn.
 */
export function prepareStackOnlyFindsCrossStackReferences(): boolean {
  return CDK_CORE.name === "cdktf";
}

// cdktf 0.21 tells an output's value from a list with util.isArray, which Node 22 and later deprecate
// at run time (DEP0044): every synthesis printed the warning to stderr. Node's util.isArray is
// Array.isArray behind that warning, so this changes nothing else. cdktn calls Array.isArray itself.
if (CDK_CORE.name === "cdktf") util.isArray = Array.isArray;
