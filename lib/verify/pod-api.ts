// The Kubernetes API as verify sees it: the two calls it makes and the fields of a pod it reads.
// Its own module so that the client (kube-client.ts) and the loop (run.ts) share it without importing each other.

/** The part of the client's `CoreV1Api` that verify uses. A missing pod rejects with `{ code: 404 }`. */
export interface PodApi {
  readNamespacedPod(request: { name: string; namespace: string }): Promise<ApiPod>;
  readNamespacedPodLog(request: { name: string; namespace: string; container: string; previous?: boolean; tailLines?: number; limitBytes?: number }): Promise<string>;
}

/** A pod as the API returns it, reduced to the fields verify reads. */
export interface ApiPod {
  metadata?: { labels?: { [key: string]: string } };
  spec?: {
    containers?: Array<{ env?: Array<{ name: string; value?: string }> }>;
    volumes?: Array<{ projected?: { sources?: Array<{ serviceAccountToken?: { path: string } }> } }>;
  };
  status?: {
    phase?: string;
    conditions?: Array<{ type: string; status: string; message?: string }>;
    containerStatuses?: Array<{
      restartCount?: number;
      state?: ContainerState;
      lastState?: ContainerState;
    }>;
  };
}

type ContainerState = { waiting?: { reason?: string; message?: string }; terminated?: { exitCode: number; reason?: string } };
