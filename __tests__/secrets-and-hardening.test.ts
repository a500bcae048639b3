import { Block, onlyResource, ref, resources, synthApp } from "./helpers";

describe("the secret value", () => {
  const { json, tf } = synthApp();

  test("comes from a sensitive, ephemeral variable that may be absent (null), so a plan needs no secret", () => {
    expect(tf.variable.keyvault_secret_value).toEqual({
      type: "string",
      sensitive: true,
      ephemeral: true,
      nullable: true,
      default: null,
      description: expect.any(String),
    });
  });

  test("is written write-only, never as `value`, and appears nowhere in the synthesized JSON", () => {
    const secret = onlyResource(tf, "azurerm_key_vault_secret");
    expect(secret.value_wo).toBe('${var.keyvault_secret_value == null ? "" : var.keyvault_secret_value}');
    expect(secret.value_wo_version).toBe(1);
    expect(secret).not.toHaveProperty("value");
    expect(json).not.toContain("Hello!");
  });

  test("is written again when its version is bumped (rotation)", () => {
    expect(onlyResource(synthApp({ keyVault: { secretVersion: 2 } }).tf, "azurerm_key_vault_secret").value_wo_version).toBe(2);
  });

  test("of further secrets comes from an ephemeral map, keyed by the configured name", () => {
    const { tf: withMore } = synthApp({ keyVault: { additionalSecrets: ["db-password"] } });
    expect(withMore.variable.keyvault_additional_secret_values).toMatchObject({ type: "map(string)", sensitive: true, ephemeral: true });
    const extra = Object.values(resources(withMore, "azurerm_key_vault_secret")).find((s: Block) => s.name === "db-password");
    expect(extra?.value_wo).toBe('${var.keyvault_additional_secret_values == null ? "" : lookup(var.keyvault_additional_secret_values, "db-password", "")}');
    expect(tf.variable).not.toHaveProperty("keyvault_additional_secret_values");
    // A null entry would leave its secret with no value at all: refused while planning.
    expect(withMore.variable.keyvault_additional_secret_values.validation).toEqual([
      {
        condition: "${var.keyvault_additional_secret_values == null ? true : alltrue([for name, value in var.keyvault_additional_secret_values : value != null])}",
        error_message: expect.stringMatching(/^TF_VAR_keyvault_additional_secret_values gives a secret the value null/),
      },
    ]);
  });

  test("stops an apply without a value before the secret is written, naming the variable (a plan defers the check)", () => {
    const { tf: withMore } = synthApp({ keyVault: { additionalSecrets: ["db-password"] } });
    const checks = Object.values(resources(withMore, "azurerm_key_vault_secret")).map((s: Block) => [s.name, s.lifecycle?.precondition]);
    expect(checks).toEqual([
      [
        "db-password",
        [
          {
            condition: '${(try(length(var.keyvault_additional_secret_values == null ? "" : lookup(var.keyvault_additional_secret_values, "db-password", "")) > 0, false)) || timestamp() == ""}',
            error_message: expect.stringMatching(/^No value for Key Vault secret db-password: set TF_VAR_keyvault_additional_secret_values, a map with the key "db-password" \(not empty\)\. Plans work without it, but every apply needs it/),
          },
        ],
      ],
      [
        expect.stringMatching(/^my-secret/),
        [
          {
            condition: '${(try(length(var.keyvault_secret_value == null ? "" : var.keyvault_secret_value) > 0, false)) || timestamp() == ""}',
            error_message: expect.stringMatching(/^No value for Key Vault secret my-secret\$\{random_id\.Suffix\.hex\}: set TF_VAR_keyvault_secret_value \(not empty\)\./),
          },
        ],
      ],
    ]);
  });
});

describe("propagation waits", () => {
  test("order the secret after the officer role's wait, and the pod after the credential's and grant's wait", () => {
    const { tf } = synthApp();
    const sleeps = resources(tf, "time_sleep");
    const officer = Object.entries(resources(tf, "azurerm_role_assignment")).find(([, r]) => r.role_definition_name === "Key Vault Secrets Officer")![0];
    const reader = Object.entries(resources(tf, "azurerm_role_assignment")).find(([, r]) => r.role_definition_name === "Key Vault Secrets User")![0];
    const credential = onlyResource(tf, "azurerm_federated_identity_credential").logicalId;
    const secretWait = onlyResource(tf, "azurerm_key_vault_secret").depends_on[0].replace("time_sleep.", "");
    expect(sleeps[secretWait]).toMatchObject({ create_duration: "60s", depends_on: [`azurerm_role_assignment.${officer}`] });
    const podWait = onlyResource(tf, "kubernetes_pod_v1").depends_on[0].replace("time_sleep.", "");
    expect(sleeps[podWait]).toMatchObject({
      create_duration: "60s",
      depends_on: [`azurerm_federated_identity_credential.${credential}`, `azurerm_role_assignment.${reader}`],
    });
  });

  test("take their durations from the configuration, and 0 removes them", () => {
    const { tf } = synthApp({ waits: { roleAssignmentSeconds: 0, federatedCredentialSeconds: 0 } });
    expect(resources(tf, "time_sleep")).toEqual({});
    const longer = synthApp({ waits: { roleAssignmentSeconds: 10, federatedCredentialSeconds: 90 } }).tf;
    expect(Object.values(resources(longer, "time_sleep")).map((s) => s.create_duration).sort()).toEqual(["10s", "90s"]);
  });
});

describe("the hardened profile", () => {
  const admins = ["00000000-0000-0000-0000-00000000a11d"];
  const { tf } = synthApp({ cluster: { localAccountsDisabled: true, adminGroupObjectIds: admins } });

  test("disables local accounts and uses Entra ID with Azure RBAC for Kubernetes", () => {
    expect(onlyResource(tf, "azurerm_kubernetes_cluster")).toMatchObject({
      local_account_disabled: true,
      azure_active_directory_role_based_access_control: { azure_rbac_enabled: true, admin_group_object_ids: admins },
    });
  });

  test("connects the kubernetes provider through kubelogin, without static credentials", () => {
    const provider = tf.provider.kubernetes[0];
    expect(provider).not.toHaveProperty("client_certificate");
    expect(provider).not.toHaveProperty("client_key");
    expect(provider.exec).toEqual([
      {
        api_version: "client.authentication.k8s.io/v1beta1",
        command: "kubelogin",
        args: ["get-token", "--login", "azurecli", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"],
      },
    ]);
    expect(provider.host).toBe(ref(tf, "azurerm_kubernetes_cluster", "kube_config[0].host"));
  });

  test("grants the deployer AKS RBAC Cluster Admin and creates Kubernetes objects only after it has propagated", () => {
    const [adminId, admin] = Object.entries(resources(tf, "azurerm_role_assignment")).find(([, r]) => r.role_definition_name === "Azure Kubernetes Service RBAC Cluster Admin")!;
    expect(admin).toMatchObject({ scope: ref(tf, "azurerm_kubernetes_cluster", "id"), principal_id: "${data.azurerm_client_config.Deployer.object_id}" });
    const wait = Object.entries(resources(tf, "time_sleep")).find(([, s]) => s.depends_on?.includes(`azurerm_role_assignment.${adminId}`))![0];
    expect(onlyResource(tf, "kubernetes_service_account_v1").depends_on).toEqual([`time_sleep.${wait}`]);
    expect(onlyResource(tf, "kubernetes_pod_v1").depends_on).toHaveLength(1);
    const podWait = resources(tf, "time_sleep")[onlyResource(tf, "kubernetes_pod_v1").depends_on[0].replace("time_sleep.", "")];
    expect(podWait.depends_on).toContain(`time_sleep.${wait}`);
  });

  test("is not the default: the article's cluster keeps local accounts", () => {
    const article = synthApp().tf;
    expect(onlyResource(article, "azurerm_kubernetes_cluster")).not.toHaveProperty("local_account_disabled");
    expect(article.provider.kubernetes[0]).toHaveProperty("client_certificate");
  });
});

describe("deployer.objectId", () => {
  const DEPLOY_IDENTITY = "5f0c4a7e-2b8d-4c1e-9a3f-7d6e8b9c0a12";
  const roles = (tf: ReturnType<typeof synthApp>["tf"]) =>
    Object.values(resources(tf, "azurerm_role_assignment"))
      .filter((r: Block) => r.role_definition_name !== "Key Vault Secrets User")
      .map((r: Block) => [r.role_definition_name, r.principal_id]);

  test("grants the deployer's roles to the principal named, whoever runs Terraform, so a plan-only identity plans the same grants", () => {
    const { tf } = synthApp({ deployer: { objectId: DEPLOY_IDENTITY }, cluster: { localAccountsDisabled: true } });
    expect(roles(tf)).toEqual([
      ["Azure Kubernetes Service RBAC Cluster Admin", DEPLOY_IDENTITY],
      ["Key Vault Secrets Officer", DEPLOY_IDENTITY],
    ]);
    // The vault's tenant is still the signed-in tenant.
    expect(onlyResource(tf, "azurerm_key_vault").tenant_id).toBe("${data.azurerm_client_config.Deployer.tenant_id}");
  });

  test("is the signed-in principal when absent, as in the article", () => {
    expect(roles(synthApp().tf)).toEqual([["Key Vault Secrets Officer", "${data.azurerm_client_config.Deployer.object_id}"]]);
  });
});
