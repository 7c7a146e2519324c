#!/usr/bin/env bash
# Packs what a GPU machine without Node or network needs into .gpu/ and .gl/ (git-ignored):
# node itself, Dawn's dawn.node, the bundled GPU benchmark, the Fashion-MNIST test split, and the
# Vulkan/EGL loader packages. Run here (no GPU needed), then run bench/gpu/run.sh there:
#   bash bench/gpu/prepare.sh
#   device: carry .gpu .gl; command: bash bench/gpu/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
for d in /.gpu/ /.gl/; do grep -qxF "$d" .git/info/exclude 2>/dev/null || echo "$d" >> .git/info/exclude; done
mkdir -p .gpu/node_modules/webgpu/dist/linux-x64 .gpu/fm .gl
[ -s .gpu/node.xz ] || xz -T2 -c "$(readlink -f "$(command -v node)")" > .gpu/node.xz
cp node_modules/webgpu/index.js node_modules/webgpu/package.json .gpu/node_modules/webgpu/
[ -s .gpu/node_modules/webgpu/dist/linux-x64/dawn.node.xz ] ||
  xz -T2 -c node_modules/webgpu/dist/linux-x64/dawn.node > .gpu/node_modules/webgpu/dist/linux-x64/dawn.node.xz
cp /usr/share/datasets/fashion-mnist/t10k-* .gpu/fm/ 2>/dev/null || echo "prepare: no Fashion-MNIST here; the suite uses synthetic data only" >&2
node -e "
  import('./scripts/esbuild-common.mjs').then(({ bundleNode }) =>
    bundleNode('bench/gpu/suite.ts', '.gpu/suite.mjs', { packages: 'bundle', external: ['webgpu'], sourcemap: false }));"
if ! ls .gl/*.deb >/dev/null 2>&1; then
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  mkdir -p /tmp/amd64/partial
  apt-get $o update -q >/dev/null
  (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
fi
du -sh .gpu .gl
