#!/usr/bin/env bash
# On the GPU machine (see prepare.sh): unpacks the loaders and node, runs the GPU benchmark suite
# on the hardware adapter and PyTorch's fp32 matmul as the peer, and writes JSON to $OUT (copy it to
# bench/results/gpu/ afterwards). Fits a 10-minute call.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-bench/results/gpu}
mkdir -p "$OUT"
for f in .gl/*.deb; do dpkg -x "$f" /; done; ldconfig
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ] &&
   ! ls /usr/share/vulkan/icd.d/nvidia* /etc/vulkan/icd.d/nvidia* >/dev/null 2>&1; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
fi
[ -x .gpu/node ] || { xz -dc .gpu/node.xz > .gpu/node && chmod +x .gpu/node; }
d=.gpu/node_modules/webgpu/dist/linux-x64
[ -f $d/dawn.node ] || xz -dc $d/dawn.node.xz > $d/dawn.node
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv > "$OUT/nvidia-smi.csv" 2>&1
# The peer: cuBLAS fp32 (TF32 off) through PyTorch, the ceiling a WGSL matmul is compared with.
PYTHONUNBUFFERED=1 timeout 90 python3 bench/gpu/torch_matmul.py > "$OUT/torch.json" 2> "$OUT/torch.err" || echo "torch peer failed" >&2
LATENTGPU_ADAPTER=hardware LATENTGPU_CACHE_DIR=/tmp/latentgpu-cache timeout 480 .gpu/node --enable-source-maps .gpu/suite.mjs --out "$OUT" --fm .gpu/fm 2>&1 | tee "$OUT/suite.log"
ls -la "$OUT"
