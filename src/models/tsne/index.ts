export { TSNE, type TsneOptions, type TsneProgress, type TsneTransformOptions } from './tsne.js';
export { jointAffinities, conditionalAffinities, queryAffinities, neighboursFor, type SparseAffinities } from './affinities.js';
export { ExactRepulsion, FieldRepulsion, type Repulsion, type FieldOptions } from './repulsion.js';
export { Objective } from './objective.js';
export { autoLearningRate, GradientDescentState, type Schedule } from './optimizer.js';
export { pcaInit, randomInit, INIT_STD } from './initialization.js';
export { planTsne, type ScalePlan, type StagePlan, type PlanOptions } from './plan.js';
export { readSellCsr } from './sell.js';
