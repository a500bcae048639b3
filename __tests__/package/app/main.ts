// A team's own app, as it would use the package: its own stack, composed of the package's constructs.
import { DataAzurermClientConfig } from "@cdktf/provider-azurerm/lib/data-azurerm-client-config";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { TimeProvider } from "@cdktf/provider-time/lib/provider";
import { App, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { AksOidcCluster, AzureResourceGroup, FederatedIdentity, InvalidPropsError, RbacKeyVault } from "aks-workload-identity";

class TeamStack extends TerraformStack {
  constructor(scope: Construct, id: string, vaultName: string) {
    super(scope, id);
    new AzurermProvider(this, "azurerm", { features: [{}] });
    new TimeProvider(this, "time");
    const resourceGroup = AzureResourceGroup.create(this, "Group", { name: "rg-team", location: "westeurope" });
    const cluster = new AksOidcCluster(this, "Cluster", { name: "aks-team", resourceGroup });
    const connection = cluster.kubernetesConnection;
    new KubernetesProvider(this, "kubernetes", {
      host: connection.host,
      clusterCaCertificate: connection.clusterCaCertificate,
      clientCertificate: connection.clientCertificate,
      clientKey: connection.clientKey,
    });
    const api = new FederatedIdentity(this, "Api", {
      cluster,
      resourceGroup,
      identityName: "id-team-api",
      serviceAccounts: [{ namespace: "apps", name: "api", federatedCredentialName: "fic-team-api" }],
    });
    const token = new TerraformVariable(this, "api_token", { type: "string", sensitive: true });
    const vault = new RbacKeyVault(this, "Vault", {
      name: vaultName,
      resourceGroup,
      deployer: new DataAzurermClientConfig(this, "Deployer"),
      secrets: [{ name: "api-token", value: token.stringValue }],
    });
    vault.grantSecretsRead(api);
    new TerraformOutput(this, "api_client_id", { value: api.clientId });
  }
}

const app = new App();
try {
  new TeamStack(app, "team", process.argv[2] ?? "kv-team-api");
} catch (error) {
  // The package's own error class, across the package boundary.
  if (!(error instanceof InvalidPropsError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(3);
}
app.synth();
