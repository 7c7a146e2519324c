export { KMeans, type KMeansOptions, type KMeansProgress } from './kmeans.js';
export { scanK, bestKBySilhouette, type KScanRow } from './scan.js';
