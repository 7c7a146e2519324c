// Everything that runs the same in Node and the browser.
export * from './engine/index.js';
export * from './gpu/types.js';
export { matmul, matmulFamily, matmulShape, MATMUL_VARIANTS, type MatmulOptions } from './ops/matmul.js';
export { ACTIVATIONS, type Activation } from './kernels/activations.js';
export { reduce, sum, mean, max, min, sumOfSquares, type ReduceKind, type Axis } from './ops/reduce.js';
export { elementwise, add, sub, mul, div, affine, activate, type ElementwiseOptions } from './ops/elementwise.js';
export { normalizeRows, softmaxRows, topkRows, argmaxRows, argminRows, type TopK } from './ops/rows.js';
export { rowChunks, type RowChunk } from './ops/chunks.js';
export { nearestRows, distanceFamily, type DistanceShape, type NearestOptions, type NearestRows } from './ops/distance.js';
export { knnGraph, knnQuery, knnRecall, disposeKnnGraph, AUTO_APPROX_ABOVE, type KnnGraph, type KnnOptions } from './models/knn/index.js';
export { PCA, type PcaOptions } from './models/pca/index.js';
export { knnClassify, voteProbabilities, holdoutSplit, confusionMatrix, accuracy as classificationAccuracy, type KnnClassifyOptions, type KnnPrediction, type VoteWeights } from './models/classify/index.js';
export { knnAccuracy, trustworthiness, stratifiedFolds, type TrustworthinessOptions } from './metrics/quality.js';
export * from './models/kmeans/index.js';
export { adjustedRandIndex, normalizedMutualInfo, silhouette, type SilhouetteOptions } from './metrics/clustering.js';
export { Autoencoder, VariationalAutoencoder, type AutoencoderConfig, type VaeConfig, type FitOptions, type FitResult, type EpochEvent } from './models/autoencoder/index.js';
export { TSNE, FieldRepulsion, ExactRepulsion, jointAffinities, planTsne, type ScalePlan, type TsneOptions, type TsneProgress, type TsneTransformOptions, type FieldOptions, type SparseAffinities } from './models/tsne/index.js';
export { UMAP, fitAB, fuzzyGraph, planUmap, type UmapOptions, type UmapProgress, type UmapTransformOptions, type FuzzyGraph } from './models/umap/index.js';
