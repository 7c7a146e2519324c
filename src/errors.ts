/**
 * The root of every error latentgpu throws on purpose. It sits below every layer (gpu/, engine/, …)
 * so that all of them, and callers such as the CLI, can tell a stated failure from a bug with one
 * `instanceof`.
 */
export class LatentGpuError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
