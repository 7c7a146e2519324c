import type { Engine } from '../../engine/engine.js';
import { activationCode } from '../../kernels/activations.js';
import { encodeActivationBackward } from '../../kernels/activation_backward.js';
import { encodeReduce } from '../../kernels/reduce.js';
import { encodeVaeBackward } from '../../kernels/vae_backward.js';
import { matmul } from '../../ops/matmul.js';
import { inputOf, type Network } from './forward.js';
import type { Workspace } from './workspace.js';

/**
 * Backpropagation through the chain, from ws.dZ[last] (set by the loss) to every layer's gW and gb:
 *   gW = Xᵀ·dZ,  gb = column sums of dZ,  dX = dZ·Wᵀ,  dZ_prev = dX ⊙ f'(·)
 * and, at a VAE's sampling layer, the reparameterisation and KL gradient (klGradScale = β/batch).
 */
export function backward(engine: Engine, net: Network, ws: Workspace, klGradScale: number): void {
  const R = ws.rows;
  for (let l = net.layers.length - 1; l >= 0; l--) {
    const layer = net.layers[l];
    const dZ = ws.dZ[l];
    matmul(engine, inputOf(net, ws, l), dZ, { transA: true, out: layer.gW });
    encodeReduce(engine, { R, C: layer.spec.outputs, axis: 0, op: 'sum' }, dZ.slice(), layer.gb.slice());
    if (l === 0) break;
    const dX = ws.dA[l]!;
    matmul(engine, dZ, layer.Wt, { out: dX });
    if (net.latent !== null && l === net.encoderCount) {
      encodeVaeBackward(engine, R, net.latent, klGradScale, dX.slice(), ws.post[l - 1].slice(), ws.eps!.slice(), ws.dZ[l - 1].slice());
    } else {
      const prev = net.layers[l - 1].spec;
      const post = ws.post[l - 1];
      const pre = ws.pre[l - 1] ?? post;
      encodeActivationBackward(engine, R * prev.outputs, activationCode(prev.activation), net.slope,
        dX.slice(), pre.slice(), post.slice(), ws.dZ[l - 1].slice());
    }
  }
}
