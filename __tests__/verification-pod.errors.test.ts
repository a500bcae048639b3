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

  test("skips an image known only at apply", () => {
    expect(() => podWith((tag) => `ghcr.io/azure/msal-go:${tag}`)).not.toThrow();
  });
});
