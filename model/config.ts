// A configuration is one containerd variant and one kubelet variant, written
// "containerd-variant/kubelet-variant" (design.md), e.g. "short-term/99748".
import { containerdVariants, type ContainerdVariant } from "./variants/containerd.ts";
import { kubeletVariants, type KubeletVariant } from "./variants/kubelet.ts";
import { splitDisk, type DiskConfig, type DiskLayout } from "./disk.ts";
import { defaultRelease, type ContainerdRelease } from "./releases.ts";

export interface Config {
  name: string;
  containerd: ContainerdVariant;
  kubelet: KubeletVariant;
  /** The filesystems under containerd's root (--disk, a trace's "disk"); not part of the name. */
  disk: DiskConfig;
  /** The containerd release it runs on (--containerd, a trace's "containerd"); not part of the name. */
  release: ContainerdRelease;
}

export const defaultConfigName = "baseline/99748";

export type ConfigResult = { ok: true; config: Config } | { ok: false; error: string };

export function parseConfig(text: string): ConfigResult {
  const [c, k, ...rest] = text.split("/");
  const containerd = containerdVariants.find((v) => v.name === c);
  const kubelet = kubeletVariants.find((v) => v.name === k);
  if (rest.length > 0 || !containerd || !kubelet) {
    return {
      ok: false,
      error:
        `unknown configuration ${JSON.stringify(text)}: expected <containerd>/<kubelet> with containerd one of ` +
        `${containerdVariants.map((v) => v.name).join(", ")} and kubelet one of ${kubeletVariants.map((v) => v.name).join(", ")}`,
    };
  }
  return { ok: true, config: { name: `${containerd.name}/${kubelet.name}`, containerd, kubelet, disk: splitDisk, release: defaultRelease } };
}

/** Every configuration, containerd variants outer, kubelet variants inner. */
export function allConfigs(): Config[] {
  return containerdVariants.flatMap((containerd) =>
    kubeletVariants.map((kubelet) => ({ name: `${containerd.name}/${kubelet.name}`, containerd, kubelet, disk: splitDisk, release: defaultRelease })),
  );
}

export function configOrThrow(text: string): Config {
  const parsed = parseConfig(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.config;
}

/** The same configuration on another disk layout. */
export function onDisk(config: Config, layout: DiskLayout): Config {
  return { ...config, disk: { ...config.disk, layout } };
}

/** The same configuration on another containerd release. */
export function onRelease(config: Config, release: ContainerdRelease): Config {
  return { ...config, release };
}
