import { PeerSource } from "./types";

/**
 * The public rule sets this policy mirrors, at the commits its rules and peer test cases
 * (`__tests__/policy-peers.test.ts`) were matched against. Moving a commit means re-reading the
 * rule and its test cases there.
 */

export const CHECKOV_REPOSITORY = "bridgecrewio/checkov";
export const CHECKOV_COMMIT = "03d5fdad8d6154b1565799a7b1fb8070c158866f";
export const TRIVY_CHECKS_REPOSITORY = "aquasecurity/trivy-checks";
export const TRIVY_CHECKS_COMMIT = "80e5382269707262f35cf893bdc0805cb72217e9";

/** A Checkov Terraform check for Azure, by its class file's name. */
export function checkovCheck(file: string): PeerSource {
  return { repository: CHECKOV_REPOSITORY, commit: CHECKOV_COMMIT, path: `checkov/terraform/checks/resource/azure/${file}.py` };
}

/** A trivy-checks Rego check for Azure, by its path under checks/cloud/azure. */
export function trivyCheck(file: string): PeerSource {
  return { repository: TRIVY_CHECKS_REPOSITORY, commit: TRIVY_CHECKS_COMMIT, path: `checks/cloud/azure/${file}.rego` };
}

/** The file on GitHub, pinned to the commit, so the link shows what was matched even after the peer changes. */
export function peerUrl(peer: PeerSource): string {
  return `https://github.com/${peer.repository}/blob/${peer.commit}/${peer.path}`;
}
