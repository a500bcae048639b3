import type { NameRule } from "./name-rule";
import { patternRule } from "./private/pattern-rule";

export type { NameRule } from "./name-rule";

const DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

/**
 * A container image reference as the distribution/reference grammar defines it (regexp.go and
 * reference.go at 0965666a6ade2e06035fe352e38344be1e68951a), which containerd and the kubelet parse
 * with: `[host[:port]/]path[:tag][@digest]`. The path's components are lowercase letters and digits
 * joined by one '.', one or two '_' or any '-'; the host may be a DNS name, an IPv4 address or an
 * IPv6 address in brackets (no zone). Digests are sha256, the one algorithm registered by default.
 */
const IMAGE = (() => {
  const component = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  const host = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])`;
  const path = `${component}(?:/${component})*`;
  const digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
  return new RegExp(`^(?:(${host}(?::[0-9]+)?)/)?(${path})(?::([\\w][\\w.-]{0,127}))?(?:@(${digest}))?$`);
})();

function imageReferenceRule(): NameRule {
  return {
    rule: "an image reference: [registry[:port]/]repository[:tag][@sha256:<64 hex digits>], the repository lowercase",
    fix: "use a reference such as \"ghcr.io/azure/azure-workload-identity/msal-go:latest\" or \"myregistry.azurecr.io/msal-go@sha256:<digest>\"",
    problem(value) {
      const match = IMAGE.exec(value);
      if (!match) {
        // Hosts and tags may have uppercase letters, so a value that passes lowercased has them in the repository.
        return IMAGE.test(value.toLowerCase()) ? "has uppercase letters in the repository; it must be lowercase" : "is not an image reference";
      }
      const [, , path, , digest] = match;
      if (path.length > 255) return `has a repository of ${path.length} characters; it must be at most 255`;
      if (digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(digest)) return "has a digest other than sha256: with 64 lowercase hex digits";
      return undefined;
    },
  };
}

/** The rules of the names and values the constructs take, by what they name. */
export const NAME_RULES = {
  resourceGroupName: patternRule({
    rule: "1-90 characters: letters, digits, '-', '_', '.', '(' and ')'; must not end with '.'",
    min: 1,
    max: 90,
    patterns: [
      // Azure's \w: letters, combining marks, decimal digits and connector punctuation such as '_'.
      [/^[-\p{L}\p{Mn}\p{Nd}\p{Pc}.()]+$/u, "contains a character other than letters, digits, '-', '_', '.', '(' and ')'"],
      [/[^.]$/, "ends with '.'"],
    ],
    fix: "use letters, digits, '-', '_', '.', '(' and ')', not ending with '.', at most 90 characters",
  }),
  clusterName: patternRule({
    rule: "1-63 characters: letters, digits, '-' and '_'; starts and ends with a letter or digit",
    min: 1,
    max: 63,
    patterns: [
      [/^[a-zA-Z0-9_-]+$/, "contains a character other than letters, digits, '-' and '_'"],
      [/^[a-zA-Z0-9](.*[a-zA-Z0-9])?$/, "does not start and end with a letter or digit"],
    ],
    fix: "use letters, digits, '-' and '_', starting and ending with a letter or digit, at most 63 characters",
  }),
  dnsPrefix: patternRule({
    rule: "1-54 characters: letters, digits and '-'; starts and ends with a letter or digit",
    min: 1,
    max: 54,
    patterns: [
      [/^[a-zA-Z0-9-]+$/, "contains a character other than letters, digits and '-'"],
      [/^[a-zA-Z0-9](.*[a-zA-Z0-9])?$/, "does not start and end with a letter or digit"],
    ],
    fix: "remove the key to derive it from cluster.name, or use letters, digits and '-' (at most 54)",
  }),
  nodePoolName: patternRule({
    rule: "1-12 characters: lowercase letters and digits, starting with a letter",
    min: 1,
    max: 12,
    patterns: [[/^[a-z][a-z0-9]*$/, "is not lowercase letters and digits starting with a letter"]],
    fix: "use 1-12 lowercase letters and digits starting with a letter, e.g. \"nodepool1\"",
  }),
  identityName: patternRule({
    rule: "3-128 characters: letters, digits, '-' and '_'; starts with a letter or digit",
    min: 3,
    max: 128,
    patterns: [
      [/^[a-zA-Z0-9_-]+$/, "contains a character other than letters, digits, '-' and '_'"],
      [/^[a-zA-Z0-9]/, "does not start with a letter or digit"],
    ],
    fix: "use 3-128 letters, digits, '-' and '_', starting with a letter or digit",
  }),
  federatedCredentialName: patternRule({
    rule: "3-120 characters: letters, digits, '-' and '_'; starts with a letter or digit",
    min: 3,
    max: 120,
    patterns: [
      [/^[a-zA-Z0-9_-]+$/, "contains a character other than letters, digits, '-' and '_'"],
      [/^[a-zA-Z0-9]/, "does not start with a letter or digit"],
    ],
    fix: "use 3-120 letters, digits, '-' and '_', starting with a letter or digit",
  }),
  keyVaultName: patternRule({
    rule: "3-24 characters: letters, digits and '-'; starts with a letter, ends with a letter or digit, no '--'",
    min: 3,
    max: 24,
    patterns: [
      [/^[a-zA-Z0-9-]+$/, "contains a character other than letters, digits and '-'"],
      [/^[a-zA-Z]/, "does not start with a letter"],
      [/[a-zA-Z0-9]$/, "does not end with a letter or digit"],
      [/^(?!.*--)/, "contains '--'"],
    ],
    fix: "use 3-24 letters, digits and single hyphens, starting with a letter (the suffix counts 6 when random)",
  }),
  secretName: patternRule({
    rule: "1-127 characters: letters, digits and '-'",
    min: 1,
    max: 127,
    patterns: [[/^[a-zA-Z0-9-]+$/, "contains a character other than letters, digits and '-'"]],
    fix: "use 1-127 letters, digits and '-'",
  }),
  namespace: patternRule({
    rule: "a DNS-1123 label: 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit",
    min: 1,
    max: 63,
    patterns: [[new RegExp(`^${DNS_LABEL}$`), "is not lowercase letters, digits and '-' starting and ending with a letter or digit"]],
    fix: "use lowercase letters, digits and '-', e.g. \"default\" or \"team-a\"",
  }),
  serviceAccountName: patternRule({
    rule: "a DNS-1123 subdomain: 1-253 characters, dot-separated lowercase labels of letters, digits and '-'",
    min: 1,
    max: 253,
    patterns: [
      [
        new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*$`),
        "is not dot-separated labels of lowercase letters, digits and '-' starting and ending with a letter or digit",
      ],
    ],
    fix: "use lowercase letters, digits, '-' and '.', e.g. \"workload-identity-sa\"",
  }),
  podName: patternRule({
    rule: "a DNS-1123 subdomain: 1-253 characters, dot-separated lowercase labels of letters, digits and '-'",
    min: 1,
    max: 253,
    patterns: [
      [
        new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*$`),
        "is not dot-separated labels of lowercase letters, digits and '-' starting and ending with a letter or digit",
      ],
    ],
    fix: "use lowercase letters, digits, '-' and '.', e.g. \"sample-workload-identity-key-vault\"",
  }),
  location: patternRule({
    rule: "an Azure region name: lowercase letters and digits without spaces, e.g. \"eastus\" (\"East US\" is normalised)",
    min: 1,
    max: 64,
    patterns: [[/^[a-z0-9]+$/, "is not an Azure region name of lowercase letters and digits"]],
    fix: "use the region's name as `az account list-locations -o table` prints it, e.g. \"eastus\"",
  }),
  vmSize: patternRule({
    rule: "an Azure VM size: `Standard_` followed by letters, digits and '_'",
    min: 10,
    max: 64,
    patterns: [[/^Standard_[A-Za-z0-9_]+$/, "is not an Azure VM size name"]],
    fix: "use a size from `az vm list-sizes --location <location> -o table`, e.g. \"Standard_D2s_v5\"",
  }),
  uuid: patternRule({
    rule: "a UUID, e.g. 72f988bf-86f1-41af-91ab-2d7cd011db47",
    min: 36,
    max: 36,
    patterns: [[/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, "is not a UUID"]],
    fix: "use the tenant id from `az account show --query tenantId -o tsv`",
  }),
  aksResourceId: patternRule({
    rule: "/subscriptions/<uuid>/resourceGroups/<group>/providers/Microsoft.ContainerService/managedClusters/<name>",
    min: 1,
    max: 512,
    patterns: [
      [
        /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.ContainerService\/managedClusters\/[^/]+$/i,
        "is not the ARM id of an AKS cluster",
      ],
    ],
    fix: "copy it from `az aks show --resource-group <group> --name <name> --query id -o tsv`",
  }),
  image: imageReferenceRule(),
  linuxAdminUsername: patternRule({
    rule: "1-32 characters: letters, digits, '-' and '_', starting with a letter",
    min: 1,
    max: 32,
    patterns: [[/^[A-Za-z][-A-Za-z0-9_]*$/, "is not letters, digits, '-' and '_' starting with a letter"]],
    fix: "use a name such as \"azureuser\", the one `az aks create` gives",
  }),
  sshPublicKey: patternRule({
    // Azure takes RSA keys (at least 2048 bits) and ED25519 keys; not ECDSA.
    rule: "one OpenSSH public key line: ssh-rsa or ssh-ed25519, the base64 key, an optional comment",
    min: 20,
    max: 16384,
    patterns: [[/^(ssh-rsa|ssh-ed25519) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/, "is not an ssh-rsa or ssh-ed25519 public key line"]],
    fix: "paste the .pub file's line, e.g. the output of `cat ~/.ssh/id_rsa.pub` (never the private key)",
  }),
} satisfies Record<string, NameRule>;

/** The name of one of `NAME_RULES`. */
export type NameRuleId = keyof typeof NAME_RULES;
