// The explorer's state: the data set on the GPU, the current embedding and how points are coloured.
import type { Engine, Tensor } from '../../src/browser.js';
import { PCA, reduce } from '../../src/browser.js';
import type { Dataset } from './dataset.js';
import { mapRows } from './chunked.js';
import { clusterName, clusterMedoids } from './clusters.js';
import { intersectMasks, rangeMask, renderHistograms } from './histograms.js';
import { columnCategories, filterMask, metadataColumns } from './metadata.js';
import { pointColours } from './colours.js';
import { syntheticMixture } from './gpu-kernels.js';
import { isStopped, models, neighboursOf, runPipeline, type PipelineName, type PipelineParams, type PipelineResult } from './pipelines.js';
import { renderLegend, renderRampLegend, setStatus, showError, type LegendEntry, $ } from './ui.js';
import type { PointCloudView } from './view.js';

/** 'label', 'value', 'cluster', 'plain', or `column:NAME` for a column of the data's table. */
export type ColourMode = 'label' | 'value' | 'cluster' | 'plain' | `column:${string}`;

export class Explorer {
  data: Dataset | null = null;
  x: Tensor | null = null;
  result: PipelineResult | null = null;
  colourMode: ColourMode = 'label';
  hidden = new Set<number>();
  /** The filter box's matches (1 shown, 0 hidden), or null when no filter is set. */
  mask: Uint8Array | null = null;
  /** The regular-expression filter's matches; the histogram brushes by column name. Both make `mask`. */
  private textMask: Uint8Array | null = null;
  brushes = new Map<string, [number, number]>();
  highlighted = new Set<number>();
  clusters: Uint32Array | null = null;
  /** Per cluster, the member nearest its centroid (the medoid that names it). */
  medoids: number[] = [];
  values: Float32Array | null = null;
  valuesName = '';
  running: AbortController | null = null;
  /** Ids clicked, newest last (VAE interpolation uses the last two). */
  clicked: number[] = [];
  /** Told when a selection other than a click (legend, box) changes, so the export has the ids. */
  onSelection: ((ids: number[]) => void) | null = null;

  constructor(readonly engine: Engine, readonly view: PointCloudView) {}

  get n(): number { return this.data?.n ?? 0; }

  /** Takes a data set (features on the CPU, or a tensor made on the GPU) and shows it unreduced. */
  setData(data: Dataset, x?: Tensor): void {
    this.stop();
    this.disposeResult();
    this.x?.dispose();
    this.data = data;
    this.x = x ?? this.engine.tensor(data.x!, [data.n, data.d], { label: 'demo.data' });
    this.hidden.clear();
    this.mask = null;
    this.textMask = null;
    this.brushes.clear();
    this.highlighted.clear();
    this.clusters = null;
    this.values = null;
    this.clicked = [];
    this.view.setPointCount(data.n);
    this.view.setAtlas(data.images, data.n);
    $('point-count').textContent = `${data.n.toLocaleString('en')} points`;
    $('neighbours-panel').hidden = true;
    $('selection-panel').hidden = true;
    this.recolour();
  }

  /** Synthetic Gaussian mixture made on the GPU: nothing is uploaded but the labels stay on the CPU. */
  setSynthetic(n: number, d: number, k: number, seed = 7): void {
    const labels = new Uint32Array(n);
    for (let i = 0; i < n; i++) labels[i] = i % k;
    const x = syntheticMixture(this.engine, { n, d, k, seed });
    this.setData({ name: 'synthetic', n, d, labels, classNames: Array.from({ length: k }, (_, c) => `cluster ${c}`) }, x);
  }

  /**
   * Something to look at at once: PCA to `dims` fitted on the first 2,048 rows (randomized, a
   * bounded cost), applied to all of them and shown. t-SNE's PCA initialisation starts from the
   * same picture, so a pipeline run afterwards unfolds from this view.
   */
  async preview(dims: 2 | 3): Promise<void> {
    if (!this.x || this.n < 2) return;
    const [n, d] = [this.n, this.x.cols];
    const m = Math.min(n, 2048);
    const sample = m < n ? this.engine.empty([m, d], 'f32', 'demo.previewSample') : this.x;
    if (sample !== this.x) this.engine.copy(this.x, sample, m * d);
    const k = Math.min(dims, d, m);
    const pca = await PCA.fit(this.engine, sample, { components: k, method: 'randomized' });
    if (sample !== this.x) sample.dispose();
    const y = mapRows(this.engine, this.x, k, (rows) => pca.transform(rows), 'demo.preview');
    pca.dispose();
    if (this.view.flat !== (dims === 2)) this.view.setFlat(dims === 2);
    this.view.showEmbedding(y);
    this.disposeResult();
    this.result = { embedding: y, latent: this.x };
  }

  async run(name: PipelineName, params: PipelineParams): Promise<void> {
    if (!this.x || !this.data) return;
    this.stop();
    showError(null);
    const controller = new AbortController();
    this.running = controller;
    $<HTMLButtonElement>('stop').disabled = false;
    $<HTMLButtonElement>('resume').disabled = true;
    const flat = params.dims === 2 || $<HTMLInputElement>('flat').checked;
    if (flat !== this.view.flat) this.view.setFlat(flat); // otherwise the camera stays where the user left it
    const started = performance.now();
    setStatus(`running ${name}…`, 0);
    try {
      const result = await runPipeline(this.engine, this.x, name, params, {
        signal: controller.signal,
        show: (e) => this.view.showEmbedding(e),
        progress: (f, text) => setStatus(text, f),
        gate: () => this.gate(),
      });
      this.disposeResult();
      this.result = result;
      if (result.error) { this.values = result.error; this.valuesName = 'reconstruction error'; }
      setStatus(`${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`, 1);
      $('vae-panel').hidden = !(result.model && 'sample' in result.model);
      this.clusters = null;
      if (this.colourMode !== 'label' && this.colourMode !== 'plain') await this.setColourMode(this.colourMode);
    } catch (e) {
      if (isStopped(e)) setStatus('stopped', undefined);
      else {
        setStatus('failed');
        showError(`${name} failed: ${(e as Error).message}`);
      }
    } finally {
      if (this.running === controller) this.running = null;
      $<HTMLButtonElement>('stop').disabled = true;
    }
  }

  /** Ends the running pipeline (a new run, new data). */
  stop(): void {
    this.resume();
    this.running?.abort();
    this.running = null;
  }

  private paused: { promise: Promise<void>; resolve: () => void } | null = null;

  /** Pauses a t-SNE run at its next step; `resume` continues from there. */
  pause(): void {
    if (!this.running || this.paused) return;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => { resolve = r; });
    this.paused = { promise, resolve };
    $<HTMLButtonElement>('resume').disabled = false;
    $<HTMLButtonElement>('stop').disabled = true;
    setStatus(`${$('status').textContent} (paused)`);
  }

  resume(): void {
    const p = this.paused;
    this.paused = null;
    p?.resolve();
    $<HTMLButtonElement>('resume').disabled = true;
    $<HTMLButtonElement>('stop').disabled = this.running === null;
  }

  /** Lets a frame draw between t-SNE steps, and holds the run while paused. */
  private async gate(): Promise<void> {
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    while (this.paused) await this.paused.promise;
  }

  async setColourMode(mode: ColourMode): Promise<void> {
    if (mode !== this.colourMode) this.hidden.clear(); // hidden ids mean classes or clusters by mode
    this.colourMode = mode;
    if (mode === 'value' && !this.values && this.x) {
      // Without an autoencoder, the feature norm ‖x‖ is the number shown: one value per point, read once.
      const sq = reduce(this.engine, this.x, 'sumsq', 1);
      this.values = ((await sq.read()) as Float32Array).map(Math.sqrt);
      sq.dispose();
      this.valuesName = 'feature norm ‖x‖';
    }
    if (mode === 'cluster' && !this.clusters) await this.cluster();
    this.recolour();
  }

  /** k-means on the neighbour space (or the raw data): the library's KMeans. */
  private async cluster(): Promise<void> {
    setStatus('k-means…');
    const space = this.result?.latent ?? this.x!;
    // One restart and few Lloyd steps: colouring needs a good partition quickly, not the best inertia.
    const r = await models.KMeans.fit(this.engine, space, {
      k: Math.min(this.n, Number(($('cluster-k') as HTMLInputElement).value) || 10), seed: 1, restarts: 1, maxIter: 30,
      onProgress: (p) => setStatus(`k-means ${p.phase} ${p.iteration}`),
    });
    this.clusters = Uint32Array.from((await r.labels.read()) as ArrayLike<number>);
    this.medoids = await clusterMedoids(this.engine, space, r.centroids, this.clusters);
    r.dispose();
    setStatus('k-means done');
  }

  /** What the current mode colours by: categories with their names, or values with their title. */
  private colouring(): { categories?: Uint32Array; names?: string[]; values?: Float32Array; title?: string } {
    const data = this.data!;
    const mode = this.colourMode;
    if (mode === 'label') return { categories: data.labels, names: data.classNames };
    if (mode === 'cluster') return { categories: this.clusters ?? undefined };
    if (mode === 'value') return { values: this.values ?? undefined, title: this.valuesName };
    if (mode.startsWith('column:')) {
      const col = metadataColumns(data).find((c) => c.name === mode.slice(7));
      if (col?.numbers) return { values: col.numbers, title: col.name };
      if (col) { const { codes, names } = columnCategories(col, this.n); return { categories: codes, names }; }
    }
    return {};
  }

  recolour(): void {
    if (!this.data) return;
    const { categories, names, values, title } = this.colouring();
    this.view.setColours(pointColours({ n: this.data.n, categories, values, hidden: this.hidden, mask: this.mask ?? undefined, highlighted: this.highlighted }));
    if (values) {
      const sorted = Float32Array.from(values).sort();
      renderRampLegend(title ?? '', sorted[Math.floor(0.01 * (sorted.length - 1))].toPrecision(3), sorted[Math.floor(0.99 * (sorted.length - 1))].toPrecision(3));
    } else if (categories) {
      renderLegend(this.legendEntries(categories, names), this.hidden, (id) => {
        if (this.hidden.has(id)) this.hidden.delete(id); else this.hidden.add(id);
        this.recolour();
      }, (id) => {
        // Double-click: select the members of a class or cluster.
        this.select(categories.reduce<number[]>((a, c, i) => (c === id ? (a.push(i), a) : a), []));
      });
    } else $('legend').replaceChildren();
    const columns = metadataColumns(this.data);
    $('histogram-panel').hidden = !columns.some((c) => c.numbers);
    renderHistograms($('histograms'), columns, this.mask, this.brushes, (name, range) => this.setBrush(name, range));
    this.onChange?.();
  }

  /** Replaces the highlighted selection and shows its panel. */
  select(ids: Iterable<number>): void {
    this.highlighted = new Set(ids);
    this.recolour();
    $('selection-panel').hidden = this.highlighted.size === 0;
    $('selection-info').textContent = `${this.highlighted.size.toLocaleString('en')} points selected`;
    this.onSelection?.([...this.highlighted]);
  }

  /** Told after every recolouring (the address keeps the state). */
  onChange: (() => void) | null = null;

  /** Labels and columns name themselves; a cluster by its medoid: its picture, and the commonest value of a column. */
  private legendEntries(categories: Uint32Array, names?: string[]): LegendEntry[] {
    const data = this.data!;
    const counts = new Map<number, number>();
    for (const c of categories) counts.set(c, (counts.get(c) ?? 0) + 1);
    const ids = [...counts.keys()].sort((a, b) => a - b);
    if (this.colourMode !== 'cluster') return ids.map((id) => ({ id, name: names?.[id] ?? `class ${id}`, count: counts.get(id)! }));
    const column = metadataColumns(data).find((c) => c.name === $<HTMLSelectElement>('name-by').value);
    return ids.map((id) => ({
      id, count: counts.get(id)!, ...clusterName(data, categories, id, this.medoids[id], column),
    }));
  }

  /** Shows only the rows whose cell matches `pattern` in `column` (any column when null); null pattern shows all. */
  filter(pattern: RegExp | null, column: string | null): void {
    if (!this.data) return;
    this.textMask = pattern ? filterMask(this.data, pattern, column) : null;
    this.applyMasks();
  }

  /** Brushes a range of a numeric column (from its histogram); null clears that column's brush. */
  setBrush(column: string, range: [number, number] | null): void {
    if (range) this.brushes.set(column, range); else this.brushes.delete(column);
    this.applyMasks();
  }

  private applyMasks(): void {
    const cols = metadataColumns(this.data!);
    const brushed = [...this.brushes].map(([name, r]) => {
      const c = cols.find((col) => col.name === name);
      return c?.numbers ? rangeMask(c.numbers, r) : null;
    });
    this.mask = intersectMasks(this.n, [this.textMask, ...brushed]);
    this.recolour();
  }

  /** The k nearest neighbours of row `id` in the original data (`space` 'data') or in the map. */
  async neighbours(id: number, k: number, where: 'data' | 'map' = 'data'): Promise<number[]> {
    const space = where === 'map' && this.result ? this.result.embedding : this.x!;
    return neighboursOf(this.engine, space, id, k);
  }

  private disposeResult(): void {
    if (!this.result) return;
    const { embedding, latent, model } = this.result;
    if (embedding !== this.x) embedding.dispose();
    if (latent !== this.x && latent !== embedding) latent.dispose();
    model?.dispose?.();
    this.result = null;
  }
}
