import { TerraformOutput } from "cdktf";
import { AzureResourceGroup } from "../lib/resource-group";
import { synthConstructs } from "./helpers";

describe("AzureResourceGroup", () => {
  test("creates a group at the id it is given, with no construct around it (the address is azurerm_resource_group.<id>)", () => {
    const { tf } = synthConstructs((stack) => {
      const group = AzureResourceGroup.create(stack, "ResourceGroup", { name: "rg-app", location: "eastus", tags: { team: "a" } });
      new TerraformOutput(stack, "location", { value: group.location });
    });
    expect(tf.resource.azurerm_resource_group).toEqual({
      ResourceGroup: { name: "rg-app", location: "eastus", tags: { team: "a" } },
    });
    expect(tf.output.location.value).toBe("${azurerm_resource_group.ResourceGroup.location}");
  });

  test("looks an existing group up by name, and reads its location from Azure", () => {
    const { tf } = synthConstructs((stack) => {
      const group = AzureResourceGroup.fromExisting(stack, "ResourceGroup", { name: "rg-platform" });
      new TerraformOutput(stack, "location", { value: group.location });
    });
    expect(tf.resource).toBeUndefined();
    expect(tf.data.azurerm_resource_group.ResourceGroup).toMatchObject({ name: "rg-platform" });
    expect(tf.output.location.value).toBe("${data.azurerm_resource_group.ResourceGroup.location}");
  });
});
