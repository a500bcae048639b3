import { TerraformVariable } from "cdktf";
import { VerificationPod } from "../lib/verification-pod";
import { synthConstructs } from "./helpers";
import { propsErrorOf } from "./props-errors";

const IDENTITY = { serviceAccountName: "workload-identity-sa", serviceAccountNamespace: "default", credential: { fqn: "azurerm_federated_identity_credential.x" } };
const SECRET = { vaultUri: "https://kv1.vault.azure.net/", secretName: "my-secret" };
const podWith = (image: string | ((token: string) => string)) =>
  synthConstructs((stack) => {
    const tag = new TerraformVariable(stack, "tag", { type: "string" }).stringValue;
    new VerificationPod(stack, "VerificationPod", { identity: IDENTITY, secret: SECRET, image: typeof image === "string" ? image : image(tag) });
  });

describe("VerificationPod errors", () => {
  test("fails when the image has uppercase letters in its repository, as the kubelet would", () => {
    expect(propsErrorOf(() => podWith("ghcr.io/Azure/msal-go")).message).toBe(
      "Invalid construct props (1 problem):\n" +
        '  - stack/VerificationPod.image: has uppercase letters in the repository; it must be lowercase (got "ghcr.io/Azure/msal-go"); ' +
        'use a reference such as "ghcr.io/azure/azure-workload-identity/msal-go:latest" or "myregistry.azurecr.io/msal-go@sha256:<digest>" ' +
        "(rule: an image reference: [registry[:port]/]repository[:tag][@sha256:<64 hex digits>], the repository lowercase)",
    );
  });

  test("fails when the digest is not sha256", () => {
    expect(propsErrorOf(() => podWith(`ghcr.io/azure/msal-go@md5:${"a".repeat(32)}`)).problems.map((p) => p.problem)).toEqual([
      "has a digest other than sha256: with 64 lowercase hex digits",
    ]);
  });

  test("fails when the pod name is not a DNS-1123 subdomain, with the image's problem in the same error", () => {
    const error = propsErrorOf(() =>
      synthConstructs((stack) => {
        new VerificationPod(stack, "VerificationPod", { identity: IDENTITY, secret: SECRET, image: "ghcr.io/Azure/msal-go", podName: "Bad_Pod" });
      }),
    );
    expect(error.message).toContain(
      '  - stack/VerificationPod.podName: is not dot-separated labels of lowercase letters, digits and \'-\' starting and ending with a letter or digit (got "Bad_Pod"); ' +
        "use lowercase letters, digits, '-' and '.', e.g. \"sample-workload-identity-key-vault\" " +
        "(rule: a DNS-1123 subdomain: 1-253 characters, dot-separated lowercase labels of letters, digits and '-')",
    );
    expect(error.problems.map((p) => p.path)).toEqual(["stack/VerificationPod.image", "stack/VerificationPod.podName"]);
  });

  test("fails when the pod name is longer than 253 characters", () => {
    const error = propsErrorOf(() =>
      synthConstructs((stack) => {
        new VerificationPod(stack, "VerificationPod", { identity: IDENTITY, secret: SECRET, podName: "a".repeat(254) });
      }),
    );
    expect(error.problems.map((p) => p.problem)).toEqual(["is 254 characters long; it must be 1-253"]);
  });

  test("skips an image known only at apply", () => {
    expect(() => podWith((tag) => `ghcr.io/azure/msal-go:${tag}`)).not.toThrow();
  });
});
