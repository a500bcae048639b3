import * as fs from "fs";
import * as path from "path";
import { FIXES } from "../lib/verify/diagnose";
import {
  aadsts70021,
  CLIENT_ID,
  forbiddenByRbac,
  ISSUER,
  NAMESPACE,
  NO_CLIENT_ID_LOG,
  PRINCIPAL_ID,
  realPod,
  removeOutputs,
  secretNotFound,
  SECRET,
  SUBJECT,
  SUCCESS_LOG,
  TENANT,
  VAULT_ID,
  verifyInProcess,
} from "./verify-cluster";

/**
 * Each failure `npm run verify` names, from a pod and log shaped like the ones the msal-go sample
 * and the kubelet produce (see verify-cluster.ts): the sample exits 1 on any error, so the two
 * failures verify exists for show on a crash-looping pod that is never Ready.
 */

afterAll(removeOutputs);

const lines = (stdout: string) => stdout.trimEnd().split("\n").slice(1); // after the "verify: pod ..." line

describe("verify diagnoses a crash-looping sample from its log", () => {
  test.concurrent("waits through AADSTS70021 whose issuer, subject and audience are the stack's, then names them at the timeout", async () => {
    // In CrashLoopBackOff the kubelet answers a plain log request with the last run's log.
    const result = await verifyInProcess({ pod: () => realPod({ crashLoop: true, restarts: 3 }), log: () => aadsts70021() });
    expect(result.code).toBe(4);
    const shown = `issuer "${ISSUER}", subject "${SUBJECT}", audience "api://AzureADTokenExchange"`;
    expect(lines(result.stdout)).toEqual([
      `  waiting: AADSTS70021 for ${shown}, as the stack's credential has them`,
      `TIMEOUT after 1s (federation-not-propagated): AADSTS70021: Entra ID found no federated credential for ${shown}. New credentials take a little while to propagate; as it persisted, compare the identity's credentials with these values character by character, including the issuer's trailing '/': az identity federated-credential list -g <group> --identity-name <identity>.`,
    ]);
  });

  test.concurrent("fails at once on AADSTS70021 when the token's subject is not the stack's service account", async () => {
    const log = aadsts70021({ subject: `system:serviceaccount:${NAMESPACE}:default` });
    const result = await verifyInProcess({ pod: () => realPod({ crashLoop: true, restarts: 1 }), log: () => log });
    expect(result.code).toBe(1);
    expect(lines(result.stdout)).toEqual([
      `  fail: AADSTS70021: the token's subject "system:serviceaccount:${NAMESPACE}:default" is not the stack's "${SUBJECT}"`,
      `FAIL (federation-mismatch): ${FIXES["federation-mismatch"]}`,
    ]);
  });

  test.concurrent("fails at once on AADSTS70021 when the token comes from another cluster than the stack's outputs", async () => {
    const other = `https://eastus.oic.prod-aks.azure.com/${TENANT}/11111111-2222-4333-8444-555555555555/`;
    const result = await verifyInProcess({ pod: () => realPod({ crashLoop: true, restarts: 2 }), log: () => aadsts70021({ issuer: other }) });
    expect(result.code).toBe(1);
    expect(lines(result.stdout)[0]).toBe(`  fail: AADSTS70021: the token's issuer "${other}" is not the stack's "${ISSUER}"`);
    expect(result.stdout).toContain("your kubeconfig points at another cluster than the stack's outputs, or the cluster was replaced");
  });

  test.concurrent("keeps waiting through 403 ForbiddenByRbac until the timeout, then names the role assignment to check", async () => {
    let podReads = 0;
    const result = await verifyInProcess({ pod: () => (podReads++, realPod({ crashLoop: true, restarts: 4 })), log: () => forbiddenByRbac() });
    expect(result.code).toBe(4);
    expect(podReads).toBeGreaterThanOrEqual(3); // polled on, not given up
    const secretId = `${VAULT_ID}/secrets/${SECRET}`;
    expect(lines(result.stdout)).toEqual([
      `  waiting: 403 ForbiddenByRbac: principal ${PRINCIPAL_ID} (client id ${CLIENT_ID}) may not read ${secretId} (assignment: (not found))`,
      `TIMEOUT after 1s (rbac-not-propagated): 403 ForbiddenByRbac: role assignments can take up to ten minutes to propagate, and this one did not within the wait. Check that principal ${PRINCIPAL_ID} (client id ${CLIENT_ID}) has "Key Vault Secrets User" on the vault or the secret: az role assignment list --assignee ${PRINCIPAL_ID} --scope ${VAULT_ID} -o table.`,
    ]);
  });

  test.concurrent("reads the previous run's log while the restarted container has logged nothing yet", async () => {
    const result = await verifyInProcess({
      pod: () => realPod({ running: true, restarts: 2 }),
      log: () => "",
      previousLog: () => forbiddenByRbac(),
    });
    expect(result.code).toBe(4);
    expect(result.logReads.slice(0, 2)).toEqual(["current", "previous"]);
    expect(result.stdout).toContain(`  waiting: 403 ForbiddenByRbac: principal ${PRINCIPAL_ID}`);
  });

  test.concurrent("passes once a restarted run reads the secret after AADSTS70021 propagated", async () => {
    const result = await verifyInProcess({
      pod: (n) => (n < 2 ? realPod({ crashLoop: true, restarts: 1 }) : realPod({ running: true, restarts: 2 })),
      log: (n) => (n < 2 ? aadsts70021() : n < 4 ? "" : SUCCESS_LOG),
      previousLog: () => aadsts70021(),
    });
    expect(result.code).toBe(0);
    expect(result.logReads).toContain("previous");
    expect(result.stdout).toContain("  waiting: AADSTS70021 for issuer");
    expect(result.stdout).toContain('"successfully got secret" secret="****"');
    expect(result.stdout).toMatch(/PASS: the pod read the secret from Key Vault with its workload identity.\n$/);
  });

  test.concurrent("names any other error the sample exits on, with its exit code and restarts, and waits", async () => {
    const result = await verifyInProcess({ pod: () => realPod({ crashLoop: true, restarts: 3 }), log: () => secretNotFound() });
    expect(result.code).toBe(4);
    expect(lines(result.stdout)).toEqual([
      `  waiting: the container exited 1 (Error), restarted 3 times: "failed to get secret from keyvault" err= GET https://kv-workload-idabc123.vault.azure.net/secrets/${SECRET}/ RESPONSE 404: 404 Not Found ERROR CODE: SecretNotFound`,
      `TIMEOUT after 1s (container-failing): ${FIXES["container-failing"]}`,
    ]);
  });
});

describe("verify diagnoses from the pod's state", () => {
  test.concurrent("waits through ErrImagePull and fails on ImagePullBackOff with the kubelet's message", async () => {
    const image = "ghcr.io/azure/azure-workload-identity/msal-go:v9.9.9";
    const pulling = `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`;
    const result = await verifyInProcess({
      pod: (n) => (n < 2 ? realPod({ pulling: "ErrImagePull", message: pulling }) : realPod({ pulling: "ImagePullBackOff", message: `Back-off pulling image "${image}"` })),
      log: () => "",
    });
    expect(result.code).toBe(1);
    expect(lines(result.stdout)).toEqual([`  waiting: ErrImagePull: ${pulling}`, `  fail: ImagePullBackOff: Back-off pulling image "${image}"`, `FAIL (image-pull): ${FIXES["image-pull"]}`]);
  });

  test.concurrent("waits while no node can take the pod, then times out with the scheduler's message", async () => {
    const message = "0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";
    const result = await verifyInProcess({ pod: () => realPod({ unschedulable: message }), log: () => "" });
    expect(result.code).toBe(4);
    expect(lines(result.stdout)).toEqual([`  waiting: ${message}`, `TIMEOUT after 1s (not-scheduled): ${FIXES["not-scheduled"]}`]);
  });

  test.concurrent("fails when the webhook did not mutate a labelled pod (the sample exits 255 on the missing variable)", async () => {
    const result = await verifyInProcess({ pod: () => realPod({ crashLoop: true, restarts: 2, exitCode: 255 }, { injected: false }), log: () => NO_CLIENT_ID_LOG });
    expect(result.code).toBe(1);
    expect(lines(result.stdout)).toEqual([
      "  fail: AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE and the projected azure-identity-token volume are not in the pod",
      `FAIL (webhook-not-injected): ${FIXES["webhook-not-injected"]}`,
    ]);
  });

  test.concurrent("fails naming the label when the pod lacks azure.workload.identity/use", async () => {
    const result = await verifyInProcess({ pod: () => realPod({ crashLoop: true, restarts: 1, exitCode: 255 }, { injected: false, labelled: false }), log: () => NO_CLIENT_ID_LOG });
    expect(result.code).toBe(1);
    expect(lines(result.stdout)).toEqual([
      "  fail: AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE and the projected azure-identity-token volume are not in the pod: the pod has no label azure.workload.identity/use",
      'FAIL (webhook-not-injected): The workload identity webhook mutates only pods labelled azure.workload.identity/use: "true", when they are created. The stack\'s pod has it: apply again so that the pod is replaced, or delete it and apply again.',
    ]);
  });

  test.concurrent("fails when the pod kept another identity's client id than the stack's (a stale pod)", async () => {
    const old = "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5";
    const result = await verifyInProcess({ pod: () => realPod({ crashLoop: true, restarts: 5 }, { clientId: old }), log: () => aadsts70021() });
    expect(result.code).toBe(1);
    expect(lines(result.stdout)).toEqual([`  fail: AZURE_CLIENT_ID is "${old}", the stack's identity_client_id is "${CLIENT_ID}"`, `FAIL (wrong-client-id): ${FIXES["wrong-client-id"]}`]);
  });

  test.concurrent("recognises the v1.6 webhook's token volume (azure-workload-identity-reserved-<hash>, token/azure-identity-token)", async () => {
    const result = await verifyInProcess({ pod: () => realPod({ running: true }, { webhook: "v1.6" }), log: () => SUCCESS_LOG });
    expect(result.code).toBe(0);
  });

  test.concurrent("waits for a container that is still being created", async () => {
    const result = await verifyInProcess({ pod: () => realPod({ creating: true }), log: () => "" });
    expect(result.code).toBe(4);
    expect(lines(result.stdout)).toEqual(["  waiting: phase Pending, container ContainerCreating", `TIMEOUT after 1s (starting): ${FIXES.starting}`]);
  });
});

describe("the README's list of verify's causes", () => {
  const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
  const section = /\n## Verify\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? "";
  const troubleshooting = fs.readFileSync(path.join(__dirname, "..", "help", "troubleshooting.md"), "utf8");

  test("names exactly the causes verify reports, each but the waits for the pod linked to its troubleshooting entry", () => {
    // One bullet per line group: "- `cause`, `cause` (...)" and its indented continuation lines.
    const bullets = section.split(/\n(?=- )/).filter((b) => b.startsWith("- `"));
    const causesOf = (bullet: string) => [.../^- ((?:`[a-z-]+`(?:, )?)+)/.exec(bullet)![1].matchAll(/`([a-z-]+)`/g)].map((m) => m[1]);
    expect(bullets.flatMap(causesOf).sort()).toEqual(Object.keys(FIXES).sort());

    const anchors = [...troubleshooting.matchAll(/^## (.+)$/gm)].map((m) => anchor(m[1]));
    const unlinked = bullets.filter((b) => !/\(help\/troubleshooting\.md#[^)]+\)/.test(b)).flatMap(causesOf);
    expect(unlinked).toEqual(["pod-missing", "starting", "no-result-yet"]);
    for (const bullet of bullets) {
      for (const [, target] of bullet.matchAll(/\(help\/troubleshooting\.md#([^)]+)\)/g)) expect(anchors).toContain(target);
    }
  });
});

/** GitHub's heading anchor: lower case, punctuation other than - and _ dropped, spaces to -. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}
