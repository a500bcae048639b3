import { renderName } from "./name-template";

/**
 * The part of a construct id that stands for an object named by `template`: the name Azure or
 * Kubernetes will see, case folded (Azure names ignore case), with a fixed suffix written back as
 * `{suffix}`. So every spelling that names the same object gives the same id (`myIdentity{suffix}`
 * and `myIdentitya1b2c3` with suffix a1b2c3; the template with a random suffix and with that suffix
 * fixed later), and two objects named alike never share an address. An object whose name changes
 * gets a new address: the old object is destroyed and the new one created, which never collide,
 * because their names differ.
 */
export function stableKey(template: string, suffix: string | undefined): string {
  if (suffix === undefined) return template.toLowerCase();
  return renderName(template, suffix).toLowerCase().split(suffix).join("{suffix}");
}
