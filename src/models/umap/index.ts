export { UMAP, type UmapTransformOptions } from './umap.js';
export { resolveOptions, defaultEpochs, type UmapOptions, type UmapProgress, type UmapMetric, type UmapInit, type ResolvedUmapOptions } from './params.js';
export { fitAB } from './curve.js';
export { fuzzyGraph, localMemberships, disposeFuzzyGraph, type FuzzyGraph } from './graph.js';
export { spectralEmbedding } from './spectral.js';
export { initialLayout, componentCount, scaleLayout } from './init.js';
export { optimizeLayout, type EpochSchedule } from './optimizer.js';
export { planUmap } from './plan.js';
export { edgeGroups } from './graph.js';
