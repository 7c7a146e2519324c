// latentgpu in a Node program: reads a CSV (labels in its last column), reduces it with PCA then
// t-SNE on the GPU (or a software adapter), prints the 10-NN accuracy of the map and draws it.
//   node index.js [data.csv] [plot.png]
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createEngine, knnAccuracy, loadDataset, PCA, renderScatter, TSNE } from 'latentgpu';

const input = process.argv[2] ?? fileURLToPath(new URL('../vite/public/blobs.csv', import.meta.url));
const plot = process.argv[3];

const data = loadDataset(input, { labels: 'label' });
const engine = await createEngine({ onWarning: () => {} });
try {
  const x = engine.tensor(data.x, [data.n, data.d], { label: 'input' });
  const pca = await PCA.fit(engine, x, { components: Math.min(8, data.d) });
  const reduced = pca.transform(x);
  const map = await new TSNE(engine, { perplexity: 10, iterations: 300, seed: 1 }).fit(reduced);
  const accuracy = await knnAccuracy(engine, map, data.labels);
  const xy = await map.read();
  console.log(JSON.stringify({ rows: data.n, cols: data.d, classes: data.classNames, knn_accuracy_10: accuracy }));
  if (plot) writeFileSync(plot, renderScatter(xy, data.n, 2, { labels: data.labels, classNames: data.classNames, title: 'PCA → t-SNE' }));
} finally {
  engine.dispose();
}
