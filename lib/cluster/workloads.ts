/**
 * The hub workloads the portal reads and touches, and nothing more: the hub Deployment of a hub
 * namespace (read; its pod-template annotations patched, which restarts the hub) and how many
 * singleuser pods run there (metadata only: the portal never reads a pod's spec or environment).
 */
import { objectPath, type ClusterConnection } from "./connection";
import { ClusterError } from "./errors";
import { FIELD_MANAGER } from "./types";

/** The chart's hub Deployment (`jupyterhub.hub.fullname` with the chart's defaults). */
export const HUB_DEPLOYMENT = "hub";
/** KubeSpawner's label on every singleuser pod (Z2JH). */
export const SINGLEUSER_SELECTOR = "component=singleuser-server";

export interface HubDeployment {
  namespace: string;
  name: string;
  /** Pod-template annotations: what the next pod starts with. */
  templateAnnotations: Record<string, string>;
  generation?: number;
  /** The Deployment's own resourceVersion. */
  resourceVersion?: string;
  /** When the Deployment was created (the hub's first install). */
  createdAt?: string;
}

interface LiveDeployment {
  metadata: { name: string; namespace: string; generation?: number; resourceVersion?: string; creationTimestamp?: string };
  spec?: { template?: { metadata?: { annotations?: Record<string, string> } } };
}

function hubDeploymentOf(live: LiveDeployment): HubDeployment {
  return {
    namespace: live.metadata.namespace,
    name: live.metadata.name,
    templateAnnotations: { ...(live.spec?.template?.metadata?.annotations ?? {}) },
    generation: live.metadata.generation,
    resourceVersion: live.metadata.resourceVersion,
    createdAt: live.metadata.creationTimestamp,
  };
}

function deploymentPath(namespace: string, name: string): string {
  return objectPath({ base: "/apis/apps/v1", name: "deployments", namespaced: true }, namespace, name);
}

/** The hub Deployment of a namespace, or null when the hub is not installed there. */
export async function readHubDeployment(conn: ClusterConnection, namespace: string, name = HUB_DEPLOYMENT): Promise<HubDeployment | null> {
  try {
    const { body } = await conn.request<LiveDeployment>("GET", deploymentPath(namespace, name));
    return hubDeploymentOf(body);
  } catch (e) {
    if (e instanceof ClusterError && e.kind === "not-found") return null;
    throw e;
  }
}

/**
 * Sets pod-template annotations of the hub Deployment with a JSON merge patch of just those keys
 * (field manager `e2x-portal`): a changed pod template makes the Deployment replace the hub pod.
 * A merge patch never creates anything: where there is no hub Deployment the API server answers
 * 404 (the hub is installed by Helm, not by the portal).
 */
export async function setHubTemplateAnnotations(
  conn: ClusterConnection,
  namespace: string,
  annotations: Record<string, string>,
  { name = HUB_DEPLOYMENT }: { name?: string } = {},
): Promise<HubDeployment> {
  const { body } = await conn.request<LiveDeployment>("PATCH", deploymentPath(namespace, name), {
    query: { fieldManager: FIELD_MANAGER, fieldValidation: "Strict" },
    body: { spec: { template: { metadata: { annotations } } } },
    contentType: "application/merge-patch+json",
  });
  return hubDeploymentOf(body);
}

/**
 * How many singleuser servers a hub namespace holds: its pods labelled
 * `component=singleuser-server` that are not being deleted. Asked as metadata only
 * (PartialObjectMetadataList), so no pod spec or environment reaches the portal.
 */
export async function countSingleuserPods(conn: ClusterConnection, namespace: string): Promise<number> {
  const { body } = await conn.request<{ items?: { metadata?: { deletionTimestamp?: string } }[] }>(
    "GET",
    objectPath({ base: "/api/v1", name: "pods", namespaced: true }, namespace),
    {
      query: { labelSelector: SINGLEUSER_SELECTOR },
      accept: "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1",
    },
  );
  return (body.items ?? []).filter((p) => !p.metadata?.deletionTimestamp).length;
}
