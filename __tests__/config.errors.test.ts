import { ConfigError, formatProblem } from "../lib/config/errors";
import { resolveConfig } from "../lib/config/load";

/** The formatted problems `resolveConfig` reports, or a failure when it accepts the input. */
function problemsOf(raw: unknown, env: Record<string, string> = {}): string[] {
  try {
    resolveConfig(raw, { env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map(formatProblem);
    throw error;
  }
  throw new Error("the configuration was accepted");
}

/** 21 service accounts on one identity: one credential more than Entra ID allows. */
const MANY_SHARING_ONE_IDENTITY = Array.from({ length: 21 }, (_, i) => ({ serviceAccount: `sa-${i}`, identity: "id-shared" }));

// Each case: when, the file's content, the environment, and every line the user must see.
const CASES: Array<[string, unknown, Record<string, string>, string[]]> = [
  [
    "a resource group name is longer than 90 characters",
    {resourceGroup: {name: "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr"}},
    {},
    [
      "resourceGroup.name: is 91 characters long; it must be 1-90 (got \"rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr...); use letters, digits, '-', '_', '.', '(' and ')', not ending with '.', at most 90 characters (rule: 1-90 characters: letters, digits, '-', '_', '.', '(' and ')'; must not end with '.')",
    ],
  ],
  [
    "a resource group name contains a space",
    {resourceGroup: {name: "my rg"}},
    {},
    [
      "resourceGroup.name: contains a character other than letters, digits, '-', '_', '.', '(' and ')' (got \"my rg\"); use letters, digits, '-', '_', '.', '(' and ')', not ending with '.', at most 90 characters (rule: 1-90 characters: letters, digits, '-', '_', '.', '(' and ')'; must not end with '.')",
    ],
  ],
  [
    "a resource group name ends with a dot",
    {resourceGroup: {name: "rg."}},
    {},
    [
      "resourceGroup.name: ends with '.' (got \"rg.\"); use letters, digits, '-', '_', '.', '(' and ')', not ending with '.', at most 90 characters (rule: 1-90 characters: letters, digits, '-', '_', '.', '(' and ')'; must not end with '.')",
    ],
  ],
  [
    "a cluster name contains a dot",
    {cluster: {name: "my.cluster"}},
    {},
    [
      "cluster.name: contains a character other than letters, digits, '-' and '_' (got \"my.cluster\"); use letters, digits, '-' and '_', starting and ending with a letter or digit, at most 63 characters (rule: 1-63 characters: letters, digits, '-' and '_'; starts and ends with a letter or digit)",
    ],
  ],
  [
    "a cluster name ends with a hyphen",
    {cluster: {name: "cluster-"}},
    {},
    [
      "cluster.name: does not start and end with a letter or digit (got \"cluster-\"); use letters, digits, '-' and '_', starting and ending with a letter or digit, at most 63 characters (rule: 1-63 characters: letters, digits, '-' and '_'; starts and ends with a letter or digit)",
    ],
  ],
  [
    "a cluster name is 64 characters once the fixed suffix is expanded",
    {suffix: "abc",cluster: {name: "ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc{suffix}",dnsPrefix: "x"}},
    {},
    [
      "cluster.name: is 64 characters long; it must be 1-63 (counting {suffix} as \"abc\") (got \"ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc{suffix}\"); use letters, digits, '-' and '_', starting and ending with a letter or digit, at most 63 characters (rule: 1-63 characters: letters, digits, '-' and '_'; starts and ends with a letter or digit)",
    ],
  ],
  [
    "a DNS prefix contains an underscore",
    {cluster: {dnsPrefix: "my_prefix"}},
    {},
    [
      "cluster.dnsPrefix: contains a character other than letters, digits and '-' (got \"my_prefix\"); remove the key to derive it from cluster.name, or use letters, digits and '-' (at most 54) (rule: 1-54 characters: letters, digits and '-'; starts and ends with a letter or digit)",
    ],
  ],
  [
    "a node pool name has capitals",
    {cluster: {nodePoolName: "NodePool"}},
    {},
    [
      "cluster.nodePoolName: is not lowercase letters and digits starting with a letter (got \"NodePool\"); use 1-12 lowercase letters and digits starting with a letter, e.g. \"nodepool1\" (rule: 1-12 characters: lowercase letters and digits, starting with a letter)",
    ],
  ],
  [
    "a node pool name is longer than 12 characters",
    {cluster: {nodePoolName: "nodepool12345"}},
    {},
    [
      "cluster.nodePoolName: is 13 characters long; it must be 1-12 (got \"nodepool12345\"); use 1-12 lowercase letters and digits starting with a letter, e.g. \"nodepool1\" (rule: 1-12 characters: lowercase letters and digits, starting with a letter)",
    ],
  ],
  [
    "the node count is 0",
    {cluster: {nodeCount: 0}},
    {},
    [
      "cluster.nodeCount: is outside 1-1000 (got 0); give a whole number from 1 to 1000",
    ],
  ],
  [
    "the node count is a string",
    {cluster: {nodeCount: "3"}},
    {},
    [
      "cluster.nodeCount: must be a whole number, not a string (got \"3\"); give a whole number from 1 to 1000",
    ],
  ],
  [
    "a VM size is not an Azure size",
    {cluster: {nodeVmSize: "D2s_v5"}},
    {},
    [
      "cluster.nodeVmSize: is 6 characters long; it must be 10-64 (got \"D2s_v5\"); use a size from `az vm list-sizes --location <location> -o table`, e.g. \"Standard_D2s_v5\" (rule: an Azure VM size: `Standard_` followed by letters, digits and '_')",
    ],
  ],
  [
    "the OIDC issuer is switched off",
    {cluster: {oidcIssuerEnabled: false}},
    {},
    [
      "cluster.oidcIssuerEnabled: cannot be false: Azure cannot disable the OIDC issuer once it is enabled, and workload identity needs it (got false); remove the key or set it to true; to stop federation, set cluster.workloadIdentityEnabled to false",
    ],
  ],
  [
    "workload identity is switched with a string",
    {cluster: {workloadIdentityEnabled: "false"}},
    {},
    [
      "cluster.workloadIdentityEnabled: must be true or false, not a string (got \"false\"); write true or false without quotes",
    ],
  ],
  [
    "the key vault name is the article's 26 characters",
    {keyVault: {name: "keyvault-workload-id{suffix}"}},
    {},
    [
      "keyVault.name: is 26 characters long; it must be 3-24 (counting {suffix} as 6 random hex characters) (got \"keyvault-workload-id{suffix}\"); use 3-24 letters, digits and single hyphens, starting with a letter (the suffix counts 6 when random) (rule: 3-24 characters: letters, digits and '-'; starts with a letter, ends with a letter or digit, no '--')",
    ],
  ],
  [
    "a key vault name may start with a random digit",
    {keyVault: {name: "{suffix}-kv"}},
    {},
    [
      "keyVault.name: does not start with a letter (counting {suffix} as 6 random hex characters) (got \"{suffix}-kv\"); use 3-24 letters, digits and single hyphens, starting with a letter (the suffix counts 6 when random) (rule: 3-24 characters: letters, digits and '-'; starts with a letter, ends with a letter or digit, no '--')",
    ],
  ],
  [
    "a key vault name contains a double hyphen",
    {keyVault: {name: "kv--wi"}},
    {},
    [
      "keyVault.name: contains '--' (got \"kv--wi\"); use 3-24 letters, digits and single hyphens, starting with a letter (the suffix counts 6 when random) (rule: 3-24 characters: letters, digits and '-'; starts with a letter, ends with a letter or digit, no '--')",
    ],
  ],
  [
    "a key vault name ends with a hyphen",
    {keyVault: {name: "kv-wi-"}},
    {},
    [
      "keyVault.name: does not end with a letter or digit (got \"kv-wi-\"); use 3-24 letters, digits and single hyphens, starting with a letter (the suffix counts 6 when random) (rule: 3-24 characters: letters, digits and '-'; starts with a letter, ends with a letter or digit, no '--')",
    ],
  ],
  [
    "the key vault SKU is capitalised",
    {keyVault: {sku: "Standard"}},
    {},
    [
      "keyVault.sku: is not one of standard, premium (got \"Standard\"); use one of standard, premium",
    ],
  ],
  [
    "a secret name contains an underscore",
    {keyVault: {secretName: "my_secret"}},
    {},
    [
      "keyVault.secretName: contains a character other than letters, digits and '-' (got \"my_secret\"); use 1-127 letters, digits and '-' (rule: 1-127 characters: letters, digits and '-')",
    ],
  ],
  [
    "a namespace from SERVICE_ACCOUNT_NAMESPACE has capitals",
    {},
    {SERVICE_ACCOUNT_NAMESPACE: "Default"},
    [
      "workloads[0].namespace (from environment variable SERVICE_ACCOUNT_NAMESPACE): is not lowercase letters, digits and '-' starting and ending with a letter or digit (got \"Default\"); use lowercase letters, digits and '-', e.g. \"default\" or \"team-a\" (rule: a DNS-1123 label: 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit)",
    ],
  ],
  [
    "a service account name has capitals and an underscore",
    {workloads: [{serviceAccount: "SA_1",identity: "id1"}]},
    {},
    [
      "workloads[0].serviceAccount: is not dot-separated labels of lowercase letters, digits and '-' starting and ending with a letter or digit (got \"SA_1\"); use lowercase letters, digits, '-' and '.', e.g. \"workload-identity-sa\" (rule: a DNS-1123 subdomain: 1-253 characters, dot-separated lowercase labels of letters, digits and '-')",
    ],
  ],
  [
    "an identity name starts with a hyphen",
    {workloads: [{serviceAccount: "sa",identity: "-id"}]},
    {},
    [
      "workloads[0].identity: does not start with a letter or digit (got \"-id\"); use 3-128 letters, digits, '-' and '_', starting with a letter or digit (rule: 3-128 characters: letters, digits, '-' and '_'; starts with a letter or digit)",
    ],
  ],
  [
    "a federated credential name is one character",
    {workloads: [{serviceAccount: "sa",identity: "id1",federatedCredential: "f"}]},
    {},
    [
      "workloads[0].federatedCredential: is 1 character long; it must be 3-120 (got \"f\"); use 3-120 letters, digits, '-' and '_', starting with a letter or digit (rule: 3-120 characters: letters, digits, '-' and '_'; starts with a letter or digit)",
    ],
  ],
  [
    "the derived federated credential name is too long",
    {workloads: [{serviceAccount: "ssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss",identity: "id1"}]},
    {},
    [
      "workloads[0].federatedCredential: is 132 characters long; it must be 3-120, as derived from `fic-<namespace>-<serviceAccount>` ('.' becomes '-') (got \"fic-default-ssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss...); set workloads[0].federatedCredential explicitly, or shorten what it is derived from; use 3-120 letters, digits, '-' and '_', starting with a letter or digit (rule: 3-120 characters: letters, digits, '-' and '_'; starts with a letter or digit)",
    ],
  ],
  [
    "the location is empty",
    {location: ""},
    {},
    [
      "location: is empty (got \"\"); remove the key for the default, or give a value",
    ],
  ],
  [
    "the location from LOCATION is empty",
    {},
    {LOCATION: ""},
    [
      "location (from environment variable LOCATION): is empty (got \"\"); unset the variable for the default, or give a value",
    ],
  ],
  [
    "the location is not a region name",
    {location: "east_us"},
    {},
    [
      "location: is not an Azure region name of lowercase letters and digits (got \"east_us\"); use the region's name as `az account list-locations -o table` prints it, e.g. \"eastus\" (rule: an Azure region name: lowercase letters and digits without spaces, e.g. \"eastus\" (\"East US\" is normalised))",
    ],
  ],
  [
    "RANDOM_ID has capitals",
    {},
    {RANDOM_ID: "ABC"},
    [
      "suffix (from environment variable RANDOM_ID): is not lowercase letters and digits (got \"ABC\"); use lowercase letters and digits, e.g. the output of `openssl rand -hex 3`, or remove it for a random suffix (rule: 1-16 lowercase letters and digits (the article's `openssl rand -hex 3` gives 6 hex digits))",
    ],
  ],
  [
    "the image contains a space",
    {verificationPod: {image: "msal go"}},
    {},
    [
      "verificationPod.image: is not an image reference (got \"msal go\"); use a reference such as \"ghcr.io/azure/azure-workload-identity/msal-go:latest\" or \"myregistry.azurecr.io/msal-go@sha256:<digest>\" (rule: an image reference: [registry[:port]/]repository[:tag][@sha256:<64 hex digits>], the repository lowercase)",
    ],
  ],
  [
    "a further secret's name breaks its rule (this crashed the loader's duplicate check)",
    {keyVault: {additionalSecrets: ["db password", "db-password"]}},
    {},
    [
      "keyVault.additionalSecrets[0]: contains a character other than letters, digits and '-' (got \"db password\"); use 1-127 letters, digits and '-' (rule: 1-127 characters: letters, digits and '-')",
    ],
  ],
  [
    "the image has an uppercase repository",
    {verificationPod: {image: "MyRegistry.azurecr.io/Team/msal-go:V2"}},
    {},
    [
      "verificationPod.image: has uppercase letters in the repository; it must be lowercase (got \"MyRegistry.azurecr.io/Team/msal-go:V2\"); use a reference such as \"ghcr.io/azure/azure-workload-identity/msal-go:latest\" or \"myregistry.azurecr.io/msal-go@sha256:<digest>\" (rule: an image reference: [registry[:port]/]repository[:tag][@sha256:<64 hex digits>], the repository lowercase)",
    ],
  ],
  [
    "the image's digest is not sha256 with 64 hex digits",
    {verificationPod: {image: "ghcr.io/azure/msal-go@sha256:ffff"}},
    {},
    [
      "verificationPod.image: is not an image reference (got \"ghcr.io/azure/msal-go@sha256:ffff\"); use a reference such as \"ghcr.io/azure/azure-workload-identity/msal-go:latest\" or \"myregistry.azurecr.io/msal-go@sha256:<digest>\" (rule: an image reference: [registry[:port]/]repository[:tag][@sha256:<64 hex digits>], the repository lowercase)",
    ],
  ],
  [
    "the image's digest uses another algorithm",
    {verificationPod: {image: `ghcr.io/azure/msal-go@sha512:${"f".repeat(128)}`}},
    {},
    [
      `verificationPod.image: has a digest other than sha256: with 64 lowercase hex digits (got "ghcr.io/azure/msal-go@sha512:${"f".repeat(47)}...); use a reference such as "ghcr.io/azure/azure-workload-identity/msal-go:latest" or "myregistry.azurecr.io/msal-go@sha256:<digest>" (rule: an image reference: [registry[:port]/]repository[:tag][@sha256:<64 hex digits>], the repository lowercase)`,
    ],
  ],
  [
    "the image would read the runner's environment through a Terraform expression",
    {verificationPod: {image: '${file("/proc/self/environ")}'}},
    {},
    [
      "verificationPod.image: contains \"${\" (a Terraform interpolation), which would be evaluated instead of taken literally (got \"${file(\\\"/proc/self/environ\\\")}\"); remove the sequence: configuration values are written into Terraform as literal text, never as expressions (rule: literal text: no Terraform template sequence (`${`, `%{`) and no cdktf token marker (`#{TfToken[`, `&{TfToken[`))",
    ],
  ],
  [
    "an environment variable holds a template directive and a cdktf token",
    {},
    {CLUSTER_NAME: "aks-%{if true}x%{endif}", KEYVAULT_SECRET_NAME: "${TfToken[TOKEN.12]}"},
    [
      "cluster.name (from environment variable CLUSTER_NAME): contains \"%{\" (a Terraform template directive), which would be evaluated instead of taken literally (got \"aks-%{if true}x%{endif}\"); remove the sequence: configuration values are written into Terraform as literal text, never as expressions (rule: literal text: no Terraform template sequence (`${`, `%{`) and no cdktf token marker (`#{TfToken[`, `&{TfToken[`))",
      "keyVault.secretName (from environment variable KEYVAULT_SECRET_NAME): contains \"${\" (a Terraform interpolation), which would be evaluated instead of taken literally (got \"${TfToken[TOKEN.12]}\"); remove the sequence: configuration values are written into Terraform as literal text, never as expressions (rule: literal text: no Terraform template sequence (`${`, `%{`) and no cdktf token marker (`#{TfToken[`, `&{TfToken[`))",
    ],
  ],
  [
    "a key is misspelt as keyvault",
    {keyvault: {}},
    {},
    [
      "keyvault: is not a known key; did you mean `keyVault`?",
    ],
  ],
  [
    "a key is misspelt as workload",
    {workload: []},
    {},
    [
      "workload: is not a known key; did you mean `workloads`?",
    ],
  ],
  [
    "a workload key is misspelt as namepsace",
    {workloads: [{namepsace: "x",serviceAccount: "sa",identity: "id1"}]},
    {},
    [
      "workloads[0].namepsace: is not a known key; did you mean `namespace`?",
    ],
  ],
  [
    "a name uses an unknown placeholder",
    {cluster: {name: "aks-{random}"}},
    {},
    [
      "cluster.name: uses unknown placeholder {random} (got \"aks-{random}\"); use only {suffix}",
    ],
  ],
  [
    "a workload lacks its service account and identity",
    {workloads: [{namespace: "apps"}]},
    {},
    [
      "workloads[0].serviceAccount: is required; add it: Name of the Kubernetes service account to create, annotated with the identity's client id.",
      "workloads[0].identity: is required; add it: Name of the user-assigned managed identity to create for this workload.",
    ],
  ],
  [
    "two workloads share an identity and a service account",
    {workloads: [{serviceAccount: "sa",identity: "id1"},{serviceAccount: "sa",identity: "id1"}]},
    {},
    [
      "workloads[1].serviceAccount: duplicates workloads[0].serviceAccount in namespace default: a service account carries one identity, and Entra rejects a second credential with the same issuer and subject (got \"sa\"); bind each service account once; change its name or namespace",
      "workloads[1].federatedCredential: duplicates workloads[0].federatedCredential on the identity they share (got \"fic-default-sa\"); give each credential of an identity its own name, or remove the key to derive one",
    ],
  ],
  [
    "the workload list is empty",
    {workloads: []},
    {},
    [
      "workloads: has 0 entries; it must have 1-5000; add an entry, or remove the key for the default",
    ],
  ],
  [
    "workloads is an object",
    {workloads: {}},
    {},
    [
      "workloads: must be a list, not an object (got {}); write it as a list of objects",
    ],
  ],
  [
    "cluster is a string",
    {cluster: "big"},
    {},
    [
      "cluster: must be an object, not a string (got \"big\"); write it as a map of keys",
    ],
  ],
  [
    "the location is a number",
    {location: 5},
    {},
    [
      "location: must be a string, not a number (got 5); quote the value",
    ],
  ],

  [
    "two workloads share an identity spelled in different letter case (Azure names ignore case)",
    { workloads: [{ serviceAccount: "a", identity: "MyId" }, { serviceAccount: "b", identity: "myid" }] },
    {},
    [
      'workloads[1].identity: names the identity of workloads[0] ("MyId") spelled differently (got "myid"); spell it "MyId" in every workload that shares it, or choose a distinct name',
    ],
  ],
  [
    "two service accounts are the same once the fixed suffix is expanded",
    { suffix: "x", workloads: [{ serviceAccount: "sa{suffix}", identity: "id1" }, { serviceAccount: "sax", identity: "id2" }] },
    {},
    [
      'workloads[1].serviceAccount: duplicates workloads[0].serviceAccount in namespace default: a service account carries one identity, and Entra rejects a second credential with the same issuer and subject (got "sax"); bind each service account once; change its name or namespace',
    ],
  ],
  [
    "workload identity is off but the verification pod is on",
    { cluster: { workloadIdentityEnabled: false } },
    {},
    [
      "verificationPod.enabled: cannot be true while cluster.workloadIdentityEnabled is false: without the webhook the pod gets no token (got true); set verificationPod.enabled to false as well",
    ],
  ],
  [
    "a value is null, as a YAML key without a value reads",
    { cluster: { nodeCount: null, workloadIdentityEnabled: null } },
    {},
    [
      "cluster.nodeCount: must be a whole number, not null (got null); give a whole number from 1 to 1000",
      "cluster.workloadIdentityEnabled: must be true or false, not null (got null); write true or false without quotes",
    ],
  ],
  [
    "an unknown key is named like an object's built-in property",
    { toString: "x", cluster: { constructor: 1 } },
    {},
    ["toString: is not a known key; remove it; known keys here: location, locationUnlisted, suffix, resourceGroup, cluster, keyVault, workloads, waits, backend, policy, deployer, verificationPod", expect.stringMatching(/^cluster\.constructor: is not a known key; /)],
  ],
  [
    "the file's workload list is empty even though SERVICE_ACCOUNT_NAME is set",
    { workloads: [] },
    { SERVICE_ACCOUNT_NAME: "sa" },
    ["workloads: has 0 entries; it must have 1-5000; add an entry, or remove the key for the default"],
  ],
  [
    "21 workloads share one identity (Entra allows 20 credentials)",
    { workloads: MANY_SHARING_ONE_IDENTITY },
    {},
    [
      "workloads[20].identity: would give identity \"id-shared\" federated credential number 21; Entra ID allows 20 per identity (it is shared by workloads[0], workloads[1], workloads[2], workloads[3], workloads[4], workloads[5], workloads[6], workloads[7], workloads[8], workloads[9], workloads[10], workloads[11], workloads[12], workloads[13], workloads[14], workloads[15], workloads[16], workloads[17], workloads[18], workloads[19], workloads[20]) (got \"id-shared\"); give some of these workloads another identity",
    ],
  ],
  [
    "two workloads give one identity's credentials the same name",
    {workloads: [{serviceAccount: "a",identity: "id1",federatedCredential: "fic"},{serviceAccount: "b",identity: "id1",federatedCredential: "FIC"}]},
    {},
    [
      "workloads[1].federatedCredential: duplicates workloads[0].federatedCredential on the identity they share (got \"FIC\"); give each credential of an identity its own name, or remove the key to derive one",
    ],
  ],
  [
    "a workload is granted a secret the vault does not hold",
    {workloads: [{serviceAccount: "a",identity: "id1",secrets: ["my-secret{suffix}","nope"]}]},
    {},
    [
      "workloads[0].secrets[1]: is not a secret of the vault (got \"nope\"); use keyVault.secretName or add it to keyVault.additionalSecrets (the vault holds my-secret{suffix})",
    ],
  ],
  [
    "the verification pod's workload may not read the article's secret",
    {keyVault: {additionalSecrets: ["other"]},workloads: [{serviceAccount: "a",identity: "id1",secrets: ["other"]}]},
    {},
    [
      "workloads[0].secrets: leaves out keyVault.secretName (my-secret{suffix}), which the verification pod reads as this workload (got [\"other\"]); add it to the list, or set verificationPod.enabled to false",
    ],
  ],
  [
    "a further secret repeats the first",
    {keyVault: {additionalSecrets: ["MY-SECRET{suffix}"]}},
    {},
    [
      "keyVault.additionalSecrets[0]: names a secret listed already (got \"MY-SECRET{suffix}\"); list each secret once",
    ],
  ],
  [
    "an existing resource group is named with a random suffix",
    {resourceGroup: {existing: true}},
    {},
    [
      "resourceGroup.name: names an existing resource with a random {suffix}, which is known only after apply (got \"myResourceGroup{suffix}\"); write the resource's actual name, or fix the suffix with `suffix` (or RANDOM_ID)",
    ],
  ],
  [
    "an existing cluster and vault are named with a random suffix",
    {resourceGroup: {name: "rg-platform", existing: true},cluster: {existing: true},keyVault: {existing: true}},
    {},
    [
      "cluster.name: names an existing resource with a random {suffix}, which is known only after apply (got \"myAKSCluster{suffix}\"); write the resource's actual name, or fix the suffix with `suffix` (or RANDOM_ID)",
      "keyVault.name: names an existing resource with a random {suffix}, which is known only after apply (got \"kv-workload-id{suffix}\"); write the resource's actual name, or fix the suffix with `suffix` (or RANDOM_ID)",
    ],
  ],
  [
    "an existing cluster and vault would be looked up in the group this stack creates",
    {suffix: "abc",cluster: {existing: true},keyVault: {existing: true, resourceGroup: "rg-vaults"}},
    {},
    [
      "cluster.existing: finds the cluster in resourceGroup.name, a group this stack creates, so no existing cluster can be in it; set cluster.resourceGroup to the cluster's resource group, or resourceGroup.existing to true",
    ],
  ],
  [
    "an adopted cluster would be looked up in the group this stack creates",
    {suffix: "abc",cluster: {importId: "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/myResourceGroupabc/providers/Microsoft.ContainerService/managedClusters/myAKSClusterabc"}},
    {},
    [
      "cluster.importId: finds the cluster in resourceGroup.name, a group this stack creates, so no existing cluster can be in it; set cluster.resourceGroup to the cluster's resource group, or resourceGroup.existing to true",
    ],
  ],
  [
    "a cluster is both existing and adopted",
    {suffix: "abc",resourceGroup: {existing: true},cluster: {existing: true,importId: "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/myResourceGroupabc/providers/Microsoft.ContainerService/managedClusters/myAKSClusterabc"}},
    {},
    [
      "cluster.importId: cannot be combined with cluster.existing: a cluster is either adopted or only looked up (got \"/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/myResourc...); remove one of the two",
    ],
  ],
  [
    "the adopted cluster's id names another cluster",
    {suffix: "abc",resourceGroup: {existing: true},cluster: {importId: "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-other/providers/Microsoft.ContainerService/managedClusters/aks-other"}},
    {},
    [
      "cluster.importId: names cluster aks-other in group rg-other, but the configuration describes myAKSClusterabc in myResourceGroupabc; importing it would plan its replacement (got \"/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-other/...); set cluster.name (and cluster.resourceGroup) to the adopted cluster's",
    ],
  ],
  [
    "the adopted cluster's id is not an AKS id",
    {suffix: "abc",cluster: {importId: "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm"}},
    {},
    [
      "cluster.importId: is not the ARM id of an AKS cluster (got \"/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/provid...); copy it from `az aks show --resource-group <group> --name <name> --query id -o tsv` (rule: /subscriptions/<uuid>/resourceGroups/<group>/providers/Microsoft.ContainerService/managedClusters/<name>)",
    ],
  ],
  [
    "a cluster resource group is given for a new cluster",
    {cluster: {resourceGroup: "rg-aks"}},
    {},
    [
      "cluster.resourceGroup: applies only to an existing or adopted cluster (got \"rg-aks\"); remove it, or set cluster.existing or cluster.importId",
    ],
  ],
  [
    "a vault resource group is given for a new vault",
    {keyVault: {resourceGroup: "rg-kv"}},
    {},
    [
      "keyVault.resourceGroup: applies only to an existing vault (got \"rg-kv\"); remove it, or set keyVault.existing",
    ],
  ],
  [
    "a tenant id is not a UUID",
    {workloads: [{serviceAccount: "a",identity: "id1",tenantId: "contoso.onmicrosoft.com"}]},
    {},
    [
      "workloads[0].tenantId: is 23 characters long; it must be 36 (got \"contoso.onmicrosoft.com\"); use the tenant id from `az account show --query tenantId -o tsv` (rule: a UUID, e.g. 72f988bf-86f1-41af-91ab-2d7cd011db47)",
    ],
  ],
  [
    "a token lifetime is under an hour",
    {workloads: [{serviceAccount: "a",identity: "id1",tokenExpiration: 600}]},
    {},
    [
      "workloads[0].tokenExpiration: is outside 3600-86400 (got 600); give a whole number from 3600 to 86400",
    ],
  ],
  [
    "a region is misspelled",
    {},
    {LOCATION: "eastu"},
    [
      "location (from environment variable LOCATION): is not an Azure public-cloud region (got \"eastu\"); did you mean \"eastus\"? use a name from `az account list-locations -o table`; for a region newer than the table (or another cloud's), set locationUnlisted: true (rule: one of the 62 Azure public-cloud regions in lib/config/azure-regions.ts, from Azure/terraform-azurerm-avm-utl-regions modules/cached-data/locations.tf.json at e9d62409c6fc (2026-03-12))",
    ],
  ],
  [
    "a region is not in the table of Azure regions",
    {location: "mars1"},
    {},
    [
      "location: is not an Azure public-cloud region (got \"mars1\"); use a name from `az account list-locations -o table`; for a region newer than the table (or another cloud's), set locationUnlisted: true (rule: one of the 62 Azure public-cloud regions in lib/config/azure-regions.ts, from Azure/terraform-azurerm-avm-utl-regions modules/cached-data/locations.tf.json at e9d62409c6fc (2026-03-12))",
    ],
  ],
  [
    "the deployer's officer role is left out for a vault this stack creates",
    {keyVault: {assignOfficerRole: false}},
    {},
    [
      "keyVault.assignOfficerRole: can be false only for an existing vault: a vault this stack creates has no role assignments, and writing its secrets needs Key Vault Secrets Officer (got false); remove the key, or set keyVault.existing to true for a vault where you hold the role",
    ],
  ],
  [
    "the nodes' SSH key is an ECDSA key, which Azure does not take",
    {cluster: {linuxProfile: {sshPublicKey: "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY= me@host"}}},
    {},
    [
      "cluster.linuxProfile.sshPublicKey: is not an ssh-rsa or ssh-ed25519 public key line (got \"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY= me@host\"); paste the .pub file's line, e.g. the output of `cat ~/.ssh/id_rsa.pub` (never the private key) (rule: one OpenSSH public key line: ssh-rsa or ssh-ed25519, the base64 key, an optional comment)",
    ],
  ],
  [
    "the nodes' admin name starts with a digit",
    {cluster: {linuxProfile: {adminUsername: "1admin", sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB me@host"}}},
    {},
    [
      "cluster.linuxProfile.adminUsername: is not letters, digits, '-' and '_' starting with a letter (got \"1admin\"); use a name such as \"azureuser\", the one `az aks create` gives (rule: 1-32 characters: letters, digits, '-' and '_', starting with a letter)",
    ],
  ],
  [
    "a looked-up cluster is given a Linux profile",
    {suffix: "abc", cluster: {existing: true, name: "aks", resourceGroup: "rg", linuxProfile: {sshPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB me@host"}}},
    {},
    [
      "cluster.linuxProfile: applies only to a cluster this stack creates or adopts, not to one it looks up (cluster.existing); remove it, or adopt the cluster with cluster.importId instead",
    ],
  ],
];

describe("configuration errors", () => {
  test.each(CASES)("fails when %s", (_when, raw, env, expected) => {
    expect(problemsOf(raw, env)).toEqual(expected);
  });

  test("fails once with every problem, the article's 25-character vault, an uppercase namespace and an empty location", () => {
    let thrown: unknown;
    try {
      resolveConfig({ keyVault: { name: "keyvault-workload-id1" + "{suffix}" }, workloads: [{ namespace: "Apps", serviceAccount: "sa", identity: "id1" }] }, { env: { LOCATION: "" } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const message = (thrown as ConfigError).message;
    expect(message.split("\n")[0]).toBe("Invalid configuration (3 problems):");
    expect(message).toContain("\n  - location (from environment variable LOCATION): is empty");
    expect(message).toContain("\n  - keyVault.name: is 27 characters long; it must be 3-24");
    expect(message).toContain("\n  - workloads[0].namespace: is not lowercase letters");
  });
});
