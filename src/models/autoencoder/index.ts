export { Autoencoder } from './autoencoder.js';
export { VariationalAutoencoder } from './vae.js';
export type { AutoencoderConfig, VaeConfig, OptimizerConfig, ReconstructionLoss, WeightInit } from './config.js';
export type { FitOptions, FitResult, EpochEvent } from './training.js';
export { writeSafetensors, readSafetensors, type NamedArray } from './serialization.js';
