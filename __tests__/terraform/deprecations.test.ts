import { findDeprecated } from "./deprecations";

const SCHEMAS = {
  provider_schemas: {
    "registry.terraform.io/hashicorp/azurerm": {
      provider: { block: { attributes: { use_msi: {} }, block_types: { features: { block: {} } } } },
      resource_schemas: {
        azurerm_key_vault: {
          block: {
            attributes: { enable_rbac_authorization: { deprecated: true }, rbac_authorization_enabled: {} },
            block_types: { contact: { block: { deprecated: true } }, network_acls: { block: { attributes: { bypass: { deprecated: true } } } } },
          },
        },
      },
    },
  },
};

describe("findDeprecated", () => {
  test("reports deprecated arguments, deprecated blocks and deprecated arguments inside blocks", () => {
    const config = {
      resource: {
        azurerm_key_vault: {
          kv: { enable_rbac_authorization: true, contact: [{ email: "a@b" }], network_acls: { bypass: "None" }, depends_on: ["x"] },
        },
      },
    };
    expect(findDeprecated(config, SCHEMAS)).toEqual(["azurerm_key_vault.kv.enable_rbac_authorization", "azurerm_key_vault.kv.contact", "azurerm_key_vault.kv.network_acls[0].bypass"]);
  });

  test("passes current arguments", () => {
    expect(findDeprecated({ resource: { azurerm_key_vault: { kv: { rbac_authorization_enabled: true } } }, provider: { azurerm: [{ features: [{}] }] } }, SCHEMAS)).toEqual([]);
  });
});
