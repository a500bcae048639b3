#!/usr/bin/env bash
# `bash scripts/cdktn-check.sh [RESULTS]`: this project moved to CDK Terrain (cdktn) the way
# help/cdk-terrain.md tells a newcomer to move it, in a scratch copy of this checkout, on a Node that
# cdktn-cli accepts (installed from the npm registry):
#   1. cdktf's synthesis of the default configuration and of every example, from this checkout;
#   2. the steps of help/cdk-terrain.md, exactly as written there (__tests__/cdktn-docs.test.ts keeps
#      the two the same): the alias, npm install, npx cdktn synth, type-check, unit suite, and the
#      default configuration's plan under real Terraform;
#   3. the same configurations synthesized on cdktn: each must be cdktf's JSON but for the version.
# With RESULTS, jest's --json results go to RESULTS/cdktn-unit.json and RESULTS/cdktn-terraform.json.
# The plan needs Terraform and its providers: .ci/run has pointed TF_CLI_CONFIG_FILE at the stand-ins.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
started=$SECONDS

# Node 24 LTS: cdktn-cli 0.24 needs 22.19 or later, and the main run keeps the machine's Node.
NODE_VERSION=24.22.3

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# As root, the unit suite's permission cases run the app as nobody, with this Node, from this copy.
chmod 755 "$work"
results=${1:-$work/results}
mkdir -p "$results"
results=$(realpath "$results")

# What the app synthesizes must depend on nothing but the configuration file given.
unset AKS_WI_CONFIG CDKTF_OUTDIR LOCATION RESOURCE_GROUP CLUSTER_NAME USER_ASSIGNED_IDENTITY_NAME \
  SERVICE_ACCOUNT_NAMESPACE SERVICE_ACCOUNT_NAME FEDERATED_IDENTITY_CREDENTIAL_NAME KEYVAULT_NAME \
  KEYVAULT_SECRET_NAME RANDOM_ID
export CHECKPOINT_DISABLE=1

configs=(default)
for file in examples/*.yaml examples/*.yml examples/*.json; do
  [ -f "$file" ] && configs+=("$(basename "$file")")
done

# Synthesizes every configuration in the current directory with the node on PATH into $1/<config>.
synth_all() {
  local config
  for config in "${configs[@]}"; do
    if [ "$config" = default ]; then
      CDKTF_OUTDIR="$1/$config" node scripts/run.js main
    else
      AKS_WI_CONFIG="examples/$config" CDKTF_OUTDIR="$1/$config" node scripts/run.js main
    fi
  done
}

echo "cdktn: cdktf's synthesis of ${#configs[@]} configurations, on $(node --version)"
synth_all "$work/cdktf"
node_modules/.bin/esbuild scripts/cdktn-compare.ts --bundle --platform=node --log-level=warning --outfile="$work/cdktn-compare.js"

echo "cdktn: Node $NODE_VERSION from the npm registry"
node_bin=$(bash scripts/install-node.sh "$NODE_VERSION" "$work/node")

# The scratch copy: this checkout's files as they are (tracked, and new ones not ignored), without
# node_modules or build output, as a fresh clone would have them. .gitignore names directories, so a
# node_modules that is a symlink is left out by name: npm install must not write through it.
mkdir "$work/main"
git ls-files -z --cached --others --exclude-standard \
  | while IFS= read -r -d '' file; do
      case $file in node_modules | node_modules/* | dist | dist/* | cdktf.out | cdktf.out/*) continue ;; esac
      [ -e "$file" ] && printf '%s\0' "$file"
    done \
  | tar --null -T - -cf - | tar -xf - -C "$work/main"

cd "$work/main"
export PATH="$node_bin:$PATH"
# The suites' scratch files (a jest worker's synthesis directory is named by its worker id alone) stay
# apart from any other run on this machine.
mkdir "$work/tmp"
export TMPDIR="$work/tmp"
echo "cdktn: the steps of help/cdk-terrain.md, on $(node --version), in $work/main"
# --- the steps of help/cdk-terrain.md ---
npm pkg set devDependencies.cdktf=npm:cdktn@0.24.0 devDependencies.constructs=10.6.0 'overrides.cdktf=$cdktf'
npm pkg delete devDependencies.cdktf-cli
npm pkg set devDependencies.cdktn-cli=0.24.0
npm install --no-audit --no-fund
export CHECKPOINT_DISABLE=1
npx cdktn synth
npm run typecheck
npm test -- --json --outputFile="$results/cdktn-unit.json"
npm run test:terraform -- __tests__/terraform/plan-default-and-first-examples.test.ts -t "the default configuration" --json --outputFile="$results/cdktn-terraform.json"
# --- end of the steps ---

echo "cdktn: the same configurations synthesized on cdktn, compared with cdktf's"
synth_all "$work/cdktn"
# The CLI runs the same app: the very bytes of npm run synth.
cmp cdktf.out/stacks/aks-workload-identity/cdk.tf.json "$work/cdktn/default/stacks/aks-workload-identity/cdk.tf.json"
failed=0
for config in "${configs[@]}"; do
  node "$work/cdktn-compare.js" "$work/cdktf/$config" "$work/cdktn/$config" "$config" || failed=1
done
[ "$failed" = 0 ] || { echo "cdktn: cdktn synthesizes other JSON than cdktf (above)" >&2; exit 1; }
echo "cdktn: checked in $((SECONDS - started)) s"
