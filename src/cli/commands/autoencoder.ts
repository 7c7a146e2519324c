import { InvalidArgumentError, type Command } from 'commander';
import { addCommonOptions, parseIntList, parseIntOption, type CommonOptions, type CliEnv } from '../context.js';
import { runReduce } from '../reduce.js';
import { trainAutoencoder, wholeTensor } from '../stages.js';

interface AeCliOptions extends CommonOptions {
  dims?: number; layers?: number[]; epochs: number; batchSize: number; loss?: 'bce' | 'mse'; saveModel?: string;
}

/** `--layers` lists the encoder widths after the input, ending with the latent; `--dims` alone means [256, dims]. */
export function encoderLayers(opts: { dims?: number; layers?: number[] }, inputWidth: number): number[] {
  if (opts.layers) return opts.dims !== undefined && opts.layers[opts.layers.length - 1] !== opts.dims ? [...opts.layers, opts.dims] : opts.layers;
  const latent = opts.dims ?? 2;
  return [Math.max(latent, Math.min(256, inputWidth)), latent];
}

function register(program: Command, env: CliEnv, name: 'ae' | 'vae'): void {
  const variational = name === 'vae';
  const cmd = program.command(name)
    .description(variational
      ? 'Train a variational autoencoder on the GPU and write each row\'s latent mean.'
      : 'Train a dense autoencoder on the GPU and write each row\'s latent code.')
    .argument('<input>', 'a .npy, .csv, .tsv or IDX file, - for stdin, or fashion-mnist')
    .option('-d, --dims <n>', 'latent dimensions (default 2, or the last of --layers)', parseIntOption(1))
    .option('--layers <widths>', 'encoder widths after the input, ending with the latent, e.g. 256,64 (decoder mirrored)', parseIntList)
    .option('--epochs <n>', 'training epochs', parseIntOption(1), 10)
    .option('--batch-size <n>', 'minibatch rows', parseIntOption(1), 256)
    .option('--loss <loss>', 'bce | mse (default: bce for data in [0, 1], else mse)', (v) => {
      if (v !== 'bce' && v !== 'mse') throw new InvalidArgumentError('expected bce or mse.');
      return v;
    })
    .option('--save-model <file>', 'write the trained model (safetensors layout), e.g. for `latentgpu anomalies --model`')
    .option('--open', 'show the result in the 3D explorer');
  addCommonOptions(cmd)
    .addHelpText('after', `\nExamples:\n  latentgpu ${name} fashion-mnist --limit 10000 --layers 256,2 --epochs 20 --plot ${name}.png\n` +
      `  latentgpu ${name} data.npy --layers 256,64 -o codes.npy --save-model ${name}.safetensors`)
    .action((input: string, opts: AeCliOptions) => runReduce(name, input, opts, env, async (ctx, input_, ds) => {
      const x = wholeTensor(input_, `latentgpu ${name}`);
      const model = await trainAutoencoder(ctx, x, ds.x, {
        variational, layers: encoderLayers(opts, ds.d), epochs: opts.epochs, batchSize: opts.batchSize, seed: opts.seed,
        loss: opts.loss, saveModel: opts.saveModel, force: opts.force,
      });
      return ctx.track(model.encode(x));
    }));
}

export function registerAutoencoders(program: Command, env: CliEnv): void {
  register(program, env, 'ae');
  register(program, env, 'vae');
}
