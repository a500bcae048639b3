import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as os from "os";
import * as path from "path";
import type * as K8s from "@kubernetes/client-node";
import type { PodApi } from "./pod-api";

/** Largest response read: a pod is a few KiB; a log is asked for with a byte limit, which a server may ignore. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** verify cannot start: the reason, and what to run. */
export class SetupError extends Error {}

/** A request that got no complete answer within its time. */
export class RequestTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${Math.ceil(ms / 1000)} s`);
  }
}

export interface KubeClient {
  readonly api: PodApi;
  /** The API server's URL, as the kubeconfig names it (redact before printing). */
  readonly server: string;
}

/**
 * The official client with the user's kubeconfig, its requests sent by `boundedHttp` instead of the
 * client's own fetch, which has neither a timeout nor a size limit.
 * @param timeoutMs the time the next request may take
 * @param getCredentials the command that writes a kubeconfig for this cluster, for the errors
 * @throws SetupError when there is no usable kubeconfig
 */
export async function officialClient(env: Readonly<Record<string, string | undefined>>, timeoutMs: () => number, getCredentials: string): Promise<KubeClient> {
  const files = (env.KUBECONFIG ?? "").split(path.delimiter).filter((f) => f !== "");
  const home = path.join(env.HOME || os.homedir(), ".kube", "config");
  for (const file of files) {
    if (!fs.existsSync(file)) throw new SetupError(`KUBECONFIG names ${file}, which does not exist; write it with: ${getCredentials}`);
  }
  if (files.length === 0 && !fs.existsSync(home) && !fs.existsSync("/var/run/secrets/kubernetes.io/serviceaccount/token")) {
    throw new SetupError(`no kubeconfig: KUBECONFIG is not set and ${home} does not exist; write it with: ${getCredentials}`);
  }
  const empty = (files.length > 0 ? files : fs.existsSync(home) ? [home] : []).find((f) => fs.statSync(f).isFile() && fs.readFileSync(f, "utf8").trim() === "");
  if (empty !== undefined) throw new SetupError(`the kubeconfig ${empty} is empty; write it with: ${getCredentials}`);
  const where = files.length > 0 ? `the kubeconfig (KUBECONFIG=${env.KUBECONFIG})` : `the kubeconfig ${home}`;
  let k8s: typeof K8s;
  try {
    // The client is an ES module; this file is CommonJS.
    k8s = await import("@kubernetes/client-node");
  } catch (error) {
    throw new SetupError(`cannot load @kubernetes/client-node (${firstLine(error)}); run npm ci`);
  }
  const config = new k8s.KubeConfig();
  try {
    config.loadFromDefault();
  } catch (error) {
    throw new SetupError(`${where} cannot be read (${firstLine(error)}); write it again with: ${getCredentials}`);
  }
  const cluster = config.getCurrentCluster();
  if (!cluster?.server) throw new SetupError(`${where} names no current cluster; write it with: ${getCredentials}`);
  const configuration = k8s.createConfiguration({
    baseServer: new k8s.ServerConfiguration(cluster.server, {}),
    authMethods: { default: config },
    httpApi: k8s.wrapHttpLibrary(boundedHttp(k8s, timeoutMs)),
  });
  return { api: new k8s.CoreV1Api(configuration), server: cluster.server };
}

/**
 * Sends the client's requests with Node's http(s), the kubeconfig's agent (certificates, proxy),
 * an overall time limit that aborts the request, and at most MAX_RESPONSE_BYTES of body.
 */
function boundedHttp(k8s: typeof K8s, timeoutMs: () => number): K8s.PromiseHttpLibrary {
  return {
    send(request: K8s.RequestContext): Promise<K8s.ResponseContext> {
      return new Promise((resolve, reject) => {
        const url = new URL(request.getUrl());
        const ms = timeoutMs();
        const transport = url.protocol === "http:" ? http : https;
        const req = transport.request(url, { method: request.getHttpMethod().toString(), headers: request.getHeaders(), agent: request.getAgent() as http.Agent | undefined }, (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          let finished = false;
          const finish = () => {
            if (finished) return;
            finished = true;
            clearTimeout(timer);
            const body = Buffer.concat(chunks);
            const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]));
            resolve(new k8s.ResponseContext(res.statusCode ?? 0, headers, { text: async () => body.toString("utf8"), binary: async () => body }));
          };
          res.on("data", (chunk: Buffer) => {
            const room = MAX_RESPONSE_BYTES - size;
            chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
            size += Math.min(chunk.length, room);
            // Enough: a log's last part is what matters, and the server was asked for only that.
            if (size >= MAX_RESPONSE_BYTES) {
              res.destroy();
              finish();
            }
          });
          res.on("end", finish);
          res.on("error", (error) => {
            clearTimeout(timer);
            reject(error);
          });
        });
        const timer = setTimeout(() => req.destroy(new RequestTimeout(ms)), ms);
        req.on("error", (error) => {
          clearTimeout(timer);
          reject(error);
        });
        const body = request.getBody();
        if (typeof body === "string" || Buffer.isBuffer(body)) req.write(body);
        req.end();
      });
    },
  };
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split("\n")[0];
}
