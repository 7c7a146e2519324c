// Loads a CSV (features, then a label column), reduces it with PCA then t-SNE on the page's WebGPU
// device, and draws the map. The page says what it did in #status and sets data-done on <body>.
import { createEngine, knnAccuracy, PCA, TSNE } from 'latentgpu';
import Papa from 'papaparse';

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const status = document.getElementById('status');

async function run() {
  const text = await (await fetch('./blobs.csv')).text();
  const { data } = Papa.parse(text, { skipEmptyLines: true });
  const [header, ...rows] = data;
  const labelCol = header.indexOf('label');
  const d = header.length - 1;
  const x = new Float32Array(rows.length * d);
  const names = [...new Set(rows.map((r) => r[labelCol]))];
  const labels = Int32Array.from(rows, (r) => names.indexOf(r[labelCol]));
  rows.forEach((r, i) => r.filter((_, j) => j !== labelCol).forEach((v, j) => { x[i * d + j] = Number(v); }));

  const engine = await createEngine();
  try {
    const input = engine.tensor(x, [rows.length, d], { label: 'csv' });
    const pca = await PCA.fit(engine, input, { components: Math.min(4, d) });
    const map = await new TSNE(engine, { perplexity: 10, iterations: 300, seed: 1 }).fit(pca.transform(input));
    const accuracy = await knnAccuracy(engine, map, labels);
    draw(await map.read(), labels);
    document.getElementById('legend').innerHTML = names
      .map((name, c) => `<span style="color:${COLOURS[c % COLOURS.length]}">● ${name.replace(/</g, '&lt;')}</span>`).join('');
    status.textContent = JSON.stringify({ rows: rows.length, cols: d, classes: names, adapter: engine.kind, knn_accuracy_10: accuracy });
    document.body.dataset.done = 'ok';
  } finally {
    engine.dispose();
  }
}

function draw(xy, labels) {
  const canvas = document.getElementById('plot');
  const ctx = canvas.getContext('2d');
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < labels.length; i++) {
    minX = Math.min(minX, xy[2 * i]); maxX = Math.max(maxX, xy[2 * i]);
    minY = Math.min(minY, xy[2 * i + 1]); maxY = Math.max(maxY, xy[2 * i + 1]);
  }
  const scale = (canvas.width - 40) / Math.max(maxX - minX, maxY - minY, 1e-9);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (let i = 0; i < labels.length; i++) {
    ctx.fillStyle = COLOURS[labels[i] % COLOURS.length];
    ctx.beginPath();
    ctx.arc(20 + (xy[2 * i] - minX) * scale, 20 + (xy[2 * i + 1] - minY) * scale, 4, 0, 2 * Math.PI);
    ctx.fill();
  }
}

run().catch((e) => {
  status.textContent = `error: ${e.message}`;
  document.body.dataset.done = 'error';
});
