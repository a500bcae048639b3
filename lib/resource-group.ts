import { DataAzurermResourceGroup } from "@cdktf/provider-azurerm/lib/data-azurerm-resource-group";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { Construct } from "constructs";
import { IResourceGroupRef } from "./interfaces";
import { NAME_RULES, NameRule } from "./naming-rules";
import { PropChecks } from "./private/prop-checks";

/**
 * The location rule, applied as azurerm applies locations: a display name (`East US`) is the region
 * `eastus`, lowercased without spaces, as the configuration layer normalises it too.
 */
const DISPLAY_NAME_OR_LOCATION: NameRule = {
  rule: NAME_RULES.location.rule,
  fix: NAME_RULES.location.fix,
  problem: (value) => NAME_RULES.location.problem(regionName(value)),
  knownPartsProblem: (parts) => NAME_RULES.location.knownPartsProblem?.(parts.map(regionName)),
};

function regionName(location: string): string {
  return location.toLowerCase().replace(/\s+/g, "");
}

/** What a new resource group is given. */
export interface AzureResourceGroupProps {
  /** Name of the group: 1-90 letters, digits, '-', '_', '.', '(' and ')', not ending with '.'. */
  readonly name: string;
  /** Azure region, e.g. `eastus`. */
  readonly location: string;
  /**
   * Tags on the group.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** What a resource group that already exists is given. */
export interface ExistingAzureResourceGroupProps {
  /** Name of the group. */
  readonly name: string;
}

/**
 * A resource group for the constructs to put resources in: new (`create`) or existing
 * (`fromExisting`), as `AksOidcCluster.fromExisting` and `RbacKeyVault.fromExisting` model the
 * others. Both make the Terraform element itself at `scope`/`id`, with no construct around it, so a
 * group's Terraform address is `azurerm_resource_group.<id>` (or the data source's) whichever made it.
 */
export class AzureResourceGroup {
  /** A new resource group. */
  public static create(scope: Construct, id: string, props: AzureResourceGroupProps): IResourceGroupRef {
    const checks = new PropChecks(scope, id);
    checks.name("name", props.name, NAME_RULES.resourceGroupName);
    checks.name("location", props.location, DISPLAY_NAME_OR_LOCATION);
    checks.throwIfAny();
    return new ResourceGroup(scope, id, { name: props.name, location: props.location, tags: props.tags ? { ...props.tags } : undefined });
  }

  /** A resource group that already exists, looked up by name: its location is read from Azure. */
  public static fromExisting(scope: Construct, id: string, props: ExistingAzureResourceGroupProps): IResourceGroupRef {
    const checks = new PropChecks(scope, id);
    checks.name("name", props.name, NAME_RULES.resourceGroupName);
    checks.throwIfAny();
    return new DataAzurermResourceGroup(scope, id, { name: props.name });
  }

  private constructor() {}
}
