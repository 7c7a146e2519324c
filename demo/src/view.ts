import * as THREE from 'three/webgpu';
import {
  cameraProjectionMatrix, cameraViewMatrix, float, floor, instancedArray, length, mix, screenDPR, select, smoothstep, texture,
  fract, fwidth, abs, sqrt, uint, uniform, varying, vec2, vec3, vec4, vertexIndex, viewportSize,
} from 'three/tsl';
import { packAtlas } from './atlas.js';
import { DENSITY_2D, encodeDensity } from './density.js';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import type { BufferSlice, Engine, Tensor } from '../../src/browser.js';
import { reduce } from '../../src/browser.js';
import { encodePackPositions, type PickView } from './gpu-kernels.js';

const vec4Array = (n: number) => instancedArray(n, 'vec4');

/**
 * Per-column min and max of y [n, c]. A column reduction of [n, c] has only c outputs, so each
 * runs serially over n rows; viewing y as [n/m, c·m] first gives c·m parallel partial bounds,
 * which a second small reduction folds into c.
 */
function columnBounds(engine: Engine, y: Tensor): [Tensor, Tensor] {
  const [n, c] = [y.rows, y.cols];
  const m = [256, 128, 64, 32, 16, 8, 4, 2].find((f) => n % f === 0 && n / f >= 2) ?? 1;
  const wide = y.reshape([n / m, c * m]);
  return (['min', 'max'] as const).map((op) => {
    const partial = reduce(engine, wide, op, 0);
    if (m === 1) return partial;
    const out = reduce(engine, partial.reshape([m, c]), op, 0);
    partial.dispose();
    return out;
  }) as [Tensor, Tensor];
}
type Vec4Array = ReturnType<typeof vec4Array>;

/**
 * The point cloud. Path chosen for positions: the renderer draws from a storage buffer of vec4
 * (`instancedArray`), and the explorer's pack kernel, run by the engine on the *same* GPUDevice,
 * writes the model's output tensor into that GPUBuffer directly. A plain copyBufferToBuffer would
 * also stay on the GPU but cannot turn [n, 2|3] rows into the 16-byte vec4 stride WGSL storage
 * needs, nor centre and scale them; the kernel does all three in one pass, so no position ever
 * returns to the CPU, per frame or per t-SNE step.
 *
 * Colours live in a second storage buffer filled from the CPU only when the colour mode, the
 * hidden classes or the selection change. Alpha carries state: 0 hidden, 1 normal, 2 highlighted.
 */
export class PointCloudView {
  readonly renderer: THREE.WebGPURenderer;
  readonly scene = new THREE.Scene();
  readonly camera = new THREE.PerspectiveCamera(50, 1, 0.01, 100);
  readonly controls: OrbitControls;
  readonly pointSize = uniform(5);
  /** Pictures instead of dots: 'dots', 'pictures', or 'auto' (pictures once zoomed in). */
  pointsAs: 'dots' | 'pictures' | 'auto' = 'auto';
  /** A picture is this many times a dot's size. */
  readonly spriteScale = uniform(4);
  private readonly spriteOn = uniform(0);
  /** Atlas layout: images per row, rows, and how many images it holds (the first `atlasCount` points). */
  private readonly atlasCols = uniform(1);
  private readonly atlasRows = uniform(1);
  private readonly atlasCount = uniform(0);
  private readonly atlasNode = texture(new THREE.DataTexture(new Uint8Array(4), 1, 1));
  private atlas: THREE.DataTexture | null = null;
  /** Density view: contours over a 2-D map, point sizes by density in 3-D. */
  density = false;
  private readonly densitySize = uniform(0);
  private readonly densityGrid = instancedArray(DENSITY_2D.side * DENSITY_2D.side, 'float');
  private overlay: THREE.Mesh | null = null;
  n = 0;
  private mesh: THREE.Mesh | null = null;
  private positions: Vec4Array | null = null;
  private colours: Vec4Array | null = null;
  private frames = 0;
  private lastFpsTime = performance.now();
  fps = 0;
  flat = false;
  onFrame: (() => void) | null = null;

  constructor(readonly engine: Engine, readonly canvas: HTMLCanvasElement) {
    // Both share one device: the renderer gets the engine's, which was requested with every
    // limit and optional feature the adapter has, so three.js finds what it needs on it.
    this.renderer = new THREE.WebGPURenderer({ canvas, device: engine.device, antialias: false });
    this.renderer.setClearColor(0x101418);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.enableDamping = false;
    this.controls.screenSpacePanning = true;
    this.fitToView();
  }

  async init(): Promise<void> {
    await this.renderer.init();
    (this.renderer.backend as unknown as { createStorageAttribute(a: unknown): void }).createStorageAttribute(this.densityGrid.value);
    this.overlay = this.contourOverlay();
    this.resize();
    new ResizeObserver(() => this.resize()).observe(this.canvas);
    this.setAnimating(true);
  }

  /** Starts or stops the render loop (the render benchmark measures updates without frames in flight). */
  setAnimating(on: boolean): void {
    this.renderer.setAnimationLoop(on ? () => this.frame() : null);
  }

  /** Replaces the drawn points with n new ones (all at the origin until positions arrive). */
  setPointCount(n: number): void {
    if (this.mesh) {
      this.scene.remove(this.mesh);
      (this.mesh.material as THREE.Material).dispose();
      this.mesh.geometry.dispose();
    }
    this.n = n;
    const positions = vec4Array(n);
    const colours = vec4Array(n);
    this.positions = positions;
    this.colours = colours;
    (colours.value.array as Float32Array).fill(1);
    // Each point is a screen-aligned quad of two triangles drawn without instancing: vertex v
    // belongs to point v / 6 and is corner v % 6. SwiftShader runs an instanced draw instance by
    // instance (100k sprite instances took seconds per frame there); one plain draw of 6n vertices
    // is far cheaper on it and costs a real GPU nothing extra.
    const point = vertexIndex.div(6);
    const corner = vertexIndex.mod(6);
    const cx = select(corner.equal(1).or(corner.equal(2)).or(corner.equal(4)), float(1), float(-1));
    const cy = select(corner.equal(2).or(corner.equal(4)).or(corner.equal(5)), float(1), float(-1));
    const colour = colours.element(point);
    const clip = cameraProjectionMatrix.mul(cameraViewMatrix).mul(vec4(positions.element(point).xyz, 1));
    // A point is drawn as its picture when pictures are on and the atlas holds its image.
    const pointF = point.toFloat();
    const sprite = this.spriteOn.mul(select(pointF.lessThan(this.atlasCount), float(1), float(0)));
    // In a 3-D density view w holds the density around the point: sparse points grow, dense ones shrink.
    const densityScale = mix(float(1), mix(float(1.8), float(0.5), positions.element(point).w), this.densitySize);
    const size = this.pointSize.mul(float(1).add(colour.w.sub(1).max(0).mul(1.5))).mul(screenDPR).mul(mix(float(1), this.spriteScale, sprite)).mul(densityScale);
    const offset = vec2(cx, cy).mul(size).div(viewportSize).mul(clip.w);
    const material = new THREE.MeshBasicNodeMaterial();
    material.vertexNode = vec4(clip.xy.add(offset), clip.z, clip.w);
    const vColour = varying(colour);
    const vCorner = varying(vec2(cx, cy));
    const vPoint = varying(pointF);
    const vSprite = varying(sprite);
    // The point's cell in the atlas; image row 0 is the top of the quad (corner y = +1).
    const cell = vec2(vPoint.sub(floor(vPoint.div(this.atlasCols)).mul(this.atlasCols)), floor(vPoint.div(this.atlasCols)));
    const inCell = vec2(vCorner.x.mul(0.5).add(0.5), float(0.5).sub(vCorner.y.mul(0.5))).clamp(0.001, 0.999);
    const intensity = this.atlasNode.sample(cell.add(inCell).div(vec2(this.atlasCols, this.atlasRows))).r;
    // Pictures: the garment in white over a dim square of its colour; dots: round, in the colour.
    const pictureRgb = mix(vColour.xyz.mul(0.3), vec3(1, 1, 1), intensity);
    material.colorNode = mix(vColour.xyz, pictureRgb, vSprite);
    // Round points: fade the quad's corners; hidden points (alpha 0) are cut by the alpha test.
    const round = float(1).sub(smoothstep(0.84, 1.0, length(vCorner)));
    material.opacityNode = vColour.w.min(1).mul(mix(round, float(1), vSprite));
    material.alphaTest = 0.5;
    const geometry = new THREE.BufferGeometry();
    geometry.setDrawRange(0, 6 * n);
    this.mesh = new THREE.Mesh(geometry, material);
    this.mesh.frustumCulled = false;
    this.scene.add(this.mesh);
    const backend = this.renderer.backend as unknown as { createStorageAttribute(a: unknown): void };
    backend.createStorageAttribute(positions.value);
    backend.createStorageAttribute(colours.value);
  }

  /**
   * Packs the first images into one greyscale atlas texture (one texel per pixel, as many as the
   * adapter's largest 2D texture holds), for drawing points as their pictures; null removes it.
   * Returns how many images it holds.
   */
  setAtlas(images: { pixels: Uint8Array; width: number; height: number } | null | undefined, n: number): number {
    this.atlas?.dispose();
    this.atlas = null;
    this.atlasCount.value = 0;
    if (!images) return 0;
    const { data, width: W, height: H, cols, rows, count } = packAtlas(images, n, this.engine.device.limits.maxTextureDimension2D);
    const tex = new THREE.DataTexture(data, W, H, THREE.RedFormat, THREE.UnsignedByteType);
    tex.magFilter = THREE.NearestFilter;
    tex.minFilter = THREE.LinearFilter;
    tex.generateMipmaps = false;
    tex.needsUpdate = true;
    this.atlas = tex;
    this.atlasNode.value = tex;
    this.atlasCols.value = cols;
    this.atlasRows.value = rows;
    this.atlasCount.value = count;
    return count;
  }

  /**
   * The 2-D density as contour lines over a faint fill: a plane of side² vertices over the density
   * box, each reading its grid cell in the vertex stage; the interpolated density is cut into
   * levels of √density, and a line drawn where a level changes (one pixel wide by its screen derivative).
   */
  private contourOverlay(): THREE.Mesh {
    const side = DENSITY_2D.side;
    const geometry = new THREE.PlaneGeometry(2.2, 2.2, side - 1, side - 1); // vertex rows run top to bottom
    const row = uint(side - 1).sub(vertexIndex.div(side));
    const d = varying(this.densityGrid.element(row.mul(side).add(vertexIndex.mod(side))));
    const level = sqrt(d.max(0)).mul(8);
    const distance = abs(fract(level.sub(0.5)).sub(0.5)).div(fwidth(level).max(1e-6));
    const line = float(1).sub(distance.min(1)).mul(select(level.greaterThan(0.5), float(1), float(0)));
    const material = new THREE.MeshBasicNodeMaterial({ transparent: true, depthTest: false, depthWrite: false });
    material.colorNode = vec3(1.0, 0.85, 0.3);
    material.opacityNode = line.mul(0.9).add(sqrt(d.max(0)).mul(0.12));
    const mesh = new THREE.Mesh(geometry, material);
    mesh.frustumCulled = false;
    mesh.visible = false;
    mesh.renderOrder = 1;
    this.scene.add(mesh);
    return mesh;
  }

  /** Turns the density view on or off and computes it for the current positions. */
  setDensity(on: boolean): void {
    this.density = on;
    this.updateDensity();
  }

  /** Recomputes the density (GPU only) after positions, visibility or the 2-D/3-D view changed. */
  updateDensity(): void {
    const flat = this.flat;
    if (this.overlay) this.overlay.visible = this.density && flat;
    this.densitySize.value = this.density && !flat ? 1 : 0;
    if (!this.density || this.n === 0) return;
    encodeDensity(this.engine, this.positionBuffer, this.colourBuffer, this.n, flat, this.densityBuffer);
  }

  /** The 2-D density grid's buffer (tests read it). */
  get densityBuffer(): BufferSlice {
    const backend = this.renderer.backend as unknown as { get(o: unknown): { buffer: GPUBuffer } };
    return { buffer: backend.get(this.densityGrid.value).buffer, offset: 0, size: DENSITY_2D.side * DENSITY_2D.side * 4 };
  }

  /** Whether points are drawn as pictures now ('auto': when the camera is close to its target). */
  get showingPictures(): boolean {
    if (!this.atlas || this.pointsAs === 'dots') return false;
    return this.pointsAs === 'pictures' || this.camera.position.distanceTo(this.controls.target) < 1.6;
  }

  private gpuBuffer(node: Vec4Array): BufferSlice {
    const backend = this.renderer.backend as unknown as { get(o: unknown): { buffer: GPUBuffer } };
    const buffer = backend.get(node.value).buffer;
    return { buffer, offset: 0, size: this.n * 16 };
  }

  get positionBuffer(): BufferSlice { return this.gpuBuffer(this.positions!); }
  get colourBuffer(): BufferSlice { return this.gpuBuffer(this.colours!); }

  /**
   * Shows `embedding` [n, 1..3]: bounds by GPU reductions, then the pack kernel into the draw
   * buffer, submitted before the next frame. Nothing is read back.
   */
  showEmbedding(embedding: Tensor): void {
    if (embedding.rows !== this.n) throw new Error(`embedding has ${embedding.rows} rows, the view ${this.n} points.`);
    const [lo, hi] = columnBounds(this.engine, embedding);
    encodePackPositions(this.engine, embedding, lo, hi, this.positionBuffer, this.flat || embedding.cols < 3);
    lo.dispose();
    hi.dispose();
    if (this.density) this.updateDensity();
    this.engine.flush();
  }

  /** Uploads per-point colours (rgb + state alpha), [n*4]. */
  setColours(rgba: Float32Array): void {
    // Written straight into the GPUBuffer: the renderer's own upload path keys on attribute versions,
    // which it has already recorded for a buffer created up front.
    this.engine.flush();
    this.engine.queue.writeBuffer(this.colourBuffer.buffer, 0, rgba as Float32Array<ArrayBuffer>);
    if (this.density) this.updateDensity(); // hidden points leave the density
  }

  setFlat(flat: boolean): void {
    this.flat = flat;
    this.controls.enableRotate = !flat;
    this.fitToView();
    if (this.density) this.updateDensity();
  }

  /** Points are scaled into [-1, 1]³ on the GPU, so fitting the view is a camera reset. */
  fitToView(): void {
    this.controls.target.set(0, 0, 0);
    this.camera.position.set(0, 0, 3.1);
    if (!this.flat) this.camera.position.set(1.6, 1.1, 2.4);
    this.camera.up.set(0, 1, 0);
    this.controls.update();
  }

  pickView(): PickView {
    this.camera.updateMatrixWorld();
    const mvp = new THREE.Matrix4().multiplyMatrices(this.camera.projectionMatrix, this.camera.matrixWorldInverse);
    return { mvp: mvp.elements, width: this.canvas.clientWidth, height: this.canvas.clientHeight };
  }

  private resize(): void {
    const w = this.canvas.clientWidth || 1;
    const h = this.canvas.clientHeight || 1;
    this.renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
  }

  private frame(): void {
    this.controls.update();
    this.spriteOn.value = this.showingPictures ? 1 : 0;
    this.renderer.render(this.scene, this.camera);
    this.frames++;
    const now = performance.now();
    if (now - this.lastFpsTime >= 1000) {
      this.fps = (this.frames * 1000) / (now - this.lastFpsTime);
      this.frames = 0;
      this.lastFpsTime = now;
    }
    this.onFrame?.();
  }

  dispose(): void {
    this.renderer.setAnimationLoop(null);
    this.controls.dispose();
    this.renderer.dispose();
  }
}
