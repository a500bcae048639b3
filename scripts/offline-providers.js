#!/usr/bin/env node
// Starts each provider of the Terraform CLI configuration's filesystem mirror once, for a whole
// test run, and prints the TF_REATTACH_PROVIDERS value that points Terraform at them.
//
// Terraform normally starts a fresh process of every provider for each of its own phases (schema,
// validate, plan): twelve node processes per `terraform plan` with the offline stand-ins, each one
// parsing a schema of up to 1127 resource types. Reattaching is Terraform's own mechanism for
// providers that are already running ("Test": true means Terraform leaves them running). The
// providers, their schemas and every RPC are the same; only their start-up is shared.
//
// Usage: node scripts/offline-providers.js
//   Reads TF_CLI_CONFIG_FILE. Prints one line of JSON (the TF_REATTACH_PROVIDERS value, `{}` when
//   the configuration has no filesystem mirror), then runs until its standard input closes or it is
//   signalled, and stops the providers with it. A parent that dies closes that input, so no
//   provider outlives the test run; only a SIGKILL of this process alone leaves them running
//   (their parent is gone, and they do not read their input).
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const path = require("path");

// go-plugin's handshake cookie for Terraform providers: a provider refuses to start without it.
const MAGIC_COOKIE = ["TF_PLUGIN_MAGIC_COOKIE", "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"];
const START_TIMEOUT_MS = 60_000;

/** The filesystem mirror's directory named in a Terraform CLI configuration, or undefined. */
function mirrorDirectory(cliConfig) {
  const block = /filesystem_mirror\s*\{[^}]*?\bpath\s*=\s*"([^"]+)"/.exec(cliConfig);
  return block ? block[1] : undefined;
}

/**
 * Every provider in a mirror's unpacked layout (HOST/NAMESPACE/TYPE/VERSION/PLATFORM/executable) that
 * has exactly one version and platform there: with several, which one Terraform would choose depends
 * on the configuration, so those are left for Terraform to start itself.
 */
function mirrorProviders(mirror) {
  const entries = (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);
  const found = [];
  for (const host of entries(mirror)) {
    for (const namespace of entries(path.join(mirror, host))) {
      for (const type of entries(path.join(mirror, host, namespace))) {
        const versions = entries(path.join(mirror, host, namespace, type));
        if (versions.length !== 1) continue;
        const platforms = entries(path.join(mirror, host, namespace, type, versions[0]));
        if (platforms.length !== 1) continue;
        const dir = path.join(mirror, host, namespace, type, versions[0], platforms[0]);
        const executable = entries(dir).find((file) => file.startsWith(`terraform-provider-${type}`));
        if (executable) found.push({ address: `${host}/${namespace}/${type}`, executable: path.join(dir, executable) });
      }
    }
  }
  return found;
}

/** Starts one provider and resolves with its reattach entry, from go-plugin's handshake line. */
function startProvider({ address, executable }, children) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, [MAGIC_COOKIE[0]]: MAGIC_COOKIE[1], PLUGIN_PROTOCOL_VERSIONS: "6" };
    delete env.PLUGIN_CLIENT_CERT; // no TLS: a reattach configuration carries no certificate
    const child = spawn(executable, [], { env, stdio: ["ignore", "pipe", "inherit"] });
    children.push(child);
    const timer = setTimeout(() => reject(new Error(`${address}: no handshake within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    let output = "";
    child.on("error", (error) => reject(new Error(`${address}: ${error.message}`)));
    child.on("exit", (code) => reject(new Error(`${address}: exited ${code} before its handshake`)));
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const newline = output.indexOf("\n");
      if (newline < 0) return;
      clearTimeout(timer);
      // CORE-PROTOCOL|APP-PROTOCOL|NETWORK|ADDRESS|PROTOCOL[|SERVER-CERT]
      const [core, app, network, addr, protocol] = output.slice(0, newline).trim().split("|");
      if (core !== "1" || protocol !== "grpc") {
        reject(new Error(`${address}: unexpected handshake ${JSON.stringify(output.slice(0, newline))}`));
        return;
      }
      child.stdout.resume(); // keep draining; a provider blocked on a full pipe would hang Terraform
      resolve({ Protocol: "grpc", ProtocolVersion: Number(app), Pid: child.pid, Test: true, Addr: { Network: network, String: addr } });
    });
  });
}

async function main() {
  const configFile = process.env.TF_CLI_CONFIG_FILE;
  const mirror = configFile && fs.existsSync(configFile) ? mirrorDirectory(fs.readFileSync(configFile, "utf8")) : undefined;
  const children = [];
  const stopProviders = () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  };
  process.on("exit", stopProviders); // however this process ends, short of SIGKILL
  const stop = () => process.exit(0);
  process.stdin.on("end", stop).resume();
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, stop);
  try {
    const providers = mirror ? mirrorProviders(mirror) : [];
    const entries = await Promise.all(providers.map((provider) => startProvider(provider, children)));
    const reattach = Object.fromEntries(providers.map((provider, i) => [provider.address, entries[i]]));
    process.stdout.write(`${JSON.stringify(reattach)}\n`);
    // From here a provider that exits is simply gone; Terraform then reports it cannot connect.
    for (const child of children) child.removeAllListeners("exit");
  } catch (error) {
    process.stderr.write(`offline-providers: ${error.message}\n`);
    process.exit(1);
  }
}

if (require.main === module) void main();

module.exports = { mirrorDirectory, mirrorProviders };
