// Dawn's Vulkan backend is only started when the Vulkan loader would find a driver (otherwise it
// prints alarming warnings that latentgpu cannot stop).
import { describe, expect, it } from 'vitest';
import { hasVulkanDriver } from '../src/gpu/node.js';

describe.runIf(process.platform === 'linux')('hasVulkanDriver', () => {
  const none = () => [];
  it('finds a driver named by VK_DRIVER_FILES or VK_ICD_FILENAMES only when the file exists', () => {
    const exists = (p: string) => p === '/opt/icd/nvidia.json';
    expect(hasVulkanDriver({ VK_DRIVER_FILES: '/opt/icd/nvidia.json' }, exists, none)).toBe(true);
    expect(hasVulkanDriver({ VK_ICD_FILENAMES: '/nope.json:/opt/icd/nvidia.json' }, exists, none)).toBe(true);
    expect(hasVulkanDriver({ VK_DRIVER_FILES: '/nope.json' }, exists, none)).toBe(false);
  });
  it('looks in the loader folders: /etc, /usr/share, XDG data and config folders', () => {
    const only = (dir: string) => (d: string) => (d === dir ? ['x_icd.json'] : []);
    const no = () => false;
    expect(hasVulkanDriver({}, no, none)).toBe(false);
    expect(hasVulkanDriver({}, no, only('/usr/share/vulkan/icd.d'))).toBe(true);
    expect(hasVulkanDriver({}, no, only('/etc/vulkan/icd.d'))).toBe(true);
    expect(hasVulkanDriver({ XDG_DATA_DIRS: '/nix/share' }, no, only('/nix/share/vulkan/icd.d'))).toBe(true);
    expect(hasVulkanDriver({ HOME: '/home/u' }, no, only('/home/u/.local/share/vulkan/icd.d'))).toBe(true);
  });
});
