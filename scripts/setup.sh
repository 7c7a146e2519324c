#!/usr/bin/env bash
# Sets a Debian machine up for latentgpu: the system packages it uses (where missing), the npm
# packages, and the build. Safe to run again.
#   Mesa (libegl1, libgl1-mesa-dri)  WebGPU on the CPU through llvmpipe when there is no GPU
#   libvulkan1                         the Vulkan loader (hardware GPUs, SwiftShader)
#   chromium                           the explorer's browser tests, and SwiftShader
#   dataset-fashion-mnist              the reference data set (/usr/share/datasets/fashion-mnist)
#   python3-sklearn, umap-learn        the peers in the benchmarks (skipped with LATENTGPU_SETUP_MINIMAL=1)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libegl1 libgl1-mesa-dri libvulkan1 chromium dataset-fashion-mnist)
[ "${LATENTGPU_SETUP_MINIMAL:-0}" = 1 ] || packages+=(python3-sklearn umap-learn)

missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build --silent
echo "setup: done. Try: npx latentgpu info" >&2
