import * as fs from "fs";

/**
 * Which process, on which machine, in which PID namespace: enough for one run to tell whether
 * another one still runs. A hostname and a pid are not: containers sharing a directory may share
 * both, and a pid is reused after its process ends. On Linux: the kernel's boot id (one per boot
 * of a machine), the inode of the PID namespace, the pid, and the process's start time in clock
 * ticks since boot. Elsewhere, or when /proc cannot be read, the unknown parts are "x".
 */
export interface ProcessIdentity {
  /** The first 12 hex digits of /proc/sys/kernel/random/boot_id. */
  readonly boot: string;
  readonly pidNamespace: string;
  readonly pid: number;
  readonly start: string;
}

const UNKNOWN = "x";

export function currentProcess(): ProcessIdentity {
  return {
    boot: bootId(),
    pidNamespace: pidNamespace(),
    pid: process.pid,
    start: startTime(process.pid) ?? UNKNOWN,
  };
}

/**
 * "running" or "gone" when `owner` is of this machine's boot and this PID namespace (where its pid
 * can be looked up), "unknown" otherwise.
 */
export function processState(owner: ProcessIdentity): "running" | "gone" | "unknown" {
  const self = currentProcess();
  if ([owner.boot, owner.pidNamespace, owner.start, self.boot, self.pidNamespace, self.start].includes(UNKNOWN)) return "unknown";
  if (owner.boot !== self.boot || owner.pidNamespace !== self.pidNamespace) return "unknown";
  if (owner.pid === self.pid) return owner.start === self.start ? "running" : "gone";
  const start = startTime(owner.pid);
  return start === owner.start ? "running" : "gone";
}

function bootId(): string {
  try {
    return fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").replace(/[^0-9a-f]/g, "").slice(0, 12) || UNKNOWN;
  } catch {
    return UNKNOWN;
  }
}

function pidNamespace(): string {
  try {
    return /^pid:\[(\d+)\]$/.exec(fs.readlinkSync("/proc/self/ns/pid"))?.[1] ?? UNKNOWN;
  } catch {
    return UNKNOWN;
  }
}

/** Field 22 of /proc/PID/stat, after the command name (which may hold spaces and parentheses); undefined when there is no such process. */
function startTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return /^\d+$/.test(fields[19] ?? "") ? fields[19] : undefined;
  } catch {
    return undefined;
  }
}
