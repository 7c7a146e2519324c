// Runs the library's reductions as the explorer's pipelines.
import type { Engine, Tensor } from '../../src/browser.js';
import { Autoencoder, KMeans, knnQuery, matmul, nearestRows, PCA, TSNE, UMAP, VariationalAutoencoder } from '../../src/browser.js';
import { mapRows } from './chunked.js';

export const models = { PCA, TSNE, UMAP, Autoencoder, VAE: VariationalAutoencoder, KMeans, knnQuery } as const;
type AeModel = Autoencoder | VariationalAutoencoder;

export type PipelineName = 'pca' | 'pca-tsne' | 'tsne' | 'pca-umap' | 'umap' | 'ae' | 'ae-tsne' | 'vae' | 'random';

export const PIPELINES: { name: PipelineName; title: string; needs: (keyof typeof models)[] }[] = [
  { name: 'pca-tsne', title: 'PCA → t-SNE', needs: ['PCA', 'TSNE'] },
  { name: 'pca', title: 'PCA (3 components)', needs: ['PCA'] },
  { name: 'tsne', title: 't-SNE', needs: ['TSNE'] },
  { name: 'pca-umap', title: 'PCA → UMAP', needs: ['PCA', 'UMAP'] },
  { name: 'umap', title: 'UMAP', needs: ['UMAP'] },
  { name: 'ae-tsne', title: 'Autoencoder → t-SNE', needs: ['Autoencoder', 'TSNE'] },
  { name: 'ae', title: 'Autoencoder (3-D latent)', needs: ['Autoencoder'] },
  { name: 'vae', title: 'VAE (3-D latent)', needs: ['VAE'] },
  { name: 'random', title: 'Random projection', needs: [] },
];

/** Models a pipeline needs that this build lacks (all are built today; kept for trimmed builds). */
export function missingFor(p: PipelineName): string[] {
  return PIPELINES.find((q) => q.name === p)!.needs.filter((m) => !models[m]);
}

export interface PipelineParams {
  pcaComponents: number; perplexity: number; iterations: number; latentDim: number; epochs: number;
  dims: 2 | 3; seed: number;
}

export interface PipelineHooks {
  signal: AbortSignal;
  /** Called with every intermediate embedding (t-SNE steps) and the final one. */
  show(embedding: Tensor): void;
  progress(fraction: number, text: string): void;
  /** Awaited between t-SNE steps: resolves after the next frame, or later while the run is paused. */
  gate(): Promise<void>;
}

export interface PipelineResult {
  embedding: Tensor;
  /** The space neighbours are searched in: the input of the last stage (e.g. PCA-50 before t-SNE). */
  latent: Tensor;
  /** Per-point reconstruction error when an autoencoder ran. */
  error?: Float32Array;
  /** The autoencoder, kept for decoding (VAE interpolation, sampling). */
  model?: AeModel;
}

class Stopped extends Error { override name = 'Stopped'; }
export const isStopped = (e: unknown) => e instanceof Error && (e.name === 'Stopped' || e.name === 'AbortError');

/** Runs one pipeline on x [n, d]. t-SNE and UMAP positions stream to `hooks.show` while they run. */
export async function runPipeline(engine: Engine, x: Tensor, name: PipelineName, p: PipelineParams, hooks: PipelineHooks): Promise<PipelineResult> {
  const check = () => { if (hooks.signal.aborted) throw new Stopped('stopped'); };
  const owned: Tensor[] = [];
  let latent = x;
  let error: Float32Array | undefined;
  let model: AeModel | undefined;
  const wantsTsne = name === 'pca-tsne' || name === 'tsne' || name === 'ae-tsne';

  const wantsUmap = name === 'pca-umap' || name === 'umap';

  if (name === 'pca' || name === 'pca-tsne' || name === 'pca-umap') {
    hooks.progress(0.02, 'PCA');
    const k = Math.min(name === 'pca' ? p.dims : p.pcaComponents, x.cols, x.rows);
    const pca = await PCA.fit(engine, x, { components: k });
    latent = mapRows(engine, x, k, (rows) => pca.transform(rows), 'demo.pca');
    owned.push(latent);
    pca.dispose();
  } else if (name === 'ae' || name === 'ae-tsne' || name === 'vae') {
    const latentDim = name === 'ae-tsne' ? p.latentDim : p.dims;
    const hidden = Math.min(256, Math.max(latentDim * 2, Math.round(x.cols / 3)));
    const config = { layers: [x.cols, hidden, latentDim], seed: p.seed };
    model = name === 'vae' ? await VariationalAutoencoder.create(engine, config) : await Autoencoder.create(engine, config);
    await model.fit(x, {
      epochs: p.epochs, batchSize: 128,
      onEpoch: (q) => hooks.progress((wantsTsne ? 0.4 : 0.95) * (q.epoch / p.epochs),
        `${name === 'vae' ? 'VAE' : 'autoencoder'} epoch ${q.epoch}/${p.epochs}, loss ${q.loss.toPrecision(3)}`),
    });
    check();
    latent = model.encode(x);
    owned.push(latent);
    const e = model.reconstructionError(x);
    error = (await e.read()) as Float32Array;
    e.dispose();
  } else if (name === 'random') {
    // Johnson–Lindenstrauss: a Gaussian random matrix keeps distances roughly; a stand-in when no model is built.
    const r = new Float32Array(x.cols * p.dims);
    let s = p.seed >>> 0 || 1;
    for (let i = 0; i < r.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const u = (s >>> 8) / 16777216 + 1e-7;
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      r[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * ((s >>> 8) / 16777216));
    }
    const rt = engine.tensor(r, [x.cols, p.dims], { label: 'demo.randomProjection' });
    latent = mapRows(engine, x, p.dims, (rows) => matmul(engine, rows, rt), 'demo.random');
    rt.dispose();
    owned.push(latent);
  }
  check();

  let embedding = latent;
  if (wantsTsne) {
    const tsne = new TSNE(engine, {
      dims: p.dims, perplexity: p.perplexity, iterations: p.iterations, seed: p.seed, progressEvery: 5, signal: hooks.signal,
      onProgress: async (q) => {
        hooks.show(q.positions);
        hooks.progress(0.4 + 0.6 * (q.iteration / q.iterations), `t-SNE iteration ${q.iteration}/${q.iterations}`);
        await hooks.gate();
      },
    });
    // The model owns its embedding: keep a copy and free the rest (affinities, optimiser state).
    const y = await tsne.fit(latent);
    embedding = engine.empty(y.shape, 'f32', 'demo.embedding');
    engine.copy(y, embedding);
    tsne.dispose();
  }
  if (wantsUmap) {
    // umap-learn's defaults and epoch count; positions stream to the view every 5 epochs.
    const umap = new UMAP(engine, {
      dims: p.dims, seed: p.seed, progressEvery: 5, signal: hooks.signal,
      onWarning: (m) => hooks.progress(0.4, m),
      onProgress: async (q) => {
        hooks.show(q.positions);
        hooks.progress(0.4 + 0.6 * (q.epoch / q.epochs), `UMAP epoch ${q.epoch}/${q.epochs}`);
        await hooks.gate();
      },
    });
    const y = await umap.fit(latent);
    embedding = engine.empty(y.shape, 'f32', 'demo.embedding');
    engine.copy(y, embedding);
    umap.dispose();
  }
  check();
  hooks.show(embedding);
  hooks.progress(1, 'done');
  return { embedding, latent, error, model };
}

/**
 * The k nearest neighbours of row `query` in `space` (exact), nearest first, without the query:
 * the library's distance op, so only k ids come back from the GPU.
 */
export async function neighboursOf(engine: Engine, space: Tensor, query: number, k: number): Promise<number[]> {
  k = Math.min(k, space.rows - 1);
  if (k < 1) return [];
  const q = engine.empty([1, space.cols], 'f32', 'demo.query');
  engine.copy(space, q, space.cols, query * space.cols, 0);
  try {
    // One more than asked: the query row itself is among the rows, at distance 0.
    const { vals, idx } = await nearestRows(engine, space, q, k + 1, { label: 'demo.neighbours' });
    const ids = Array.from((await idx.read()) as Uint32Array);
    vals.dispose(); idx.dispose();
    return ids.filter((i) => i !== query).slice(0, k);
  } finally {
    q.dispose();
  }
}
