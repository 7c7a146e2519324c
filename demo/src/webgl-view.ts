// The page without WebGPU: a WebGL 2 scatter of an embedding computed elsewhere (the CLI's .npy or
// .csv output: 2 or 3 columns, optional labels), with drag to rotate and the wheel to zoom.
import type { Dataset } from './dataset.js';
import { classColour } from './colours.js';

const VERTEX = `#version 300 es
in vec3 position;
in vec3 colour;
uniform mat4 mvp;
uniform float size;
out vec3 vColour;
void main() { gl_Position = mvp * vec4(position, 1.0); gl_PointSize = size; vColour = colour; }`;
const FRAGMENT = `#version 300 es
precision mediump float;
in vec3 vColour;
out vec4 outColour;
void main() { vec2 c = gl_PointCoord * 2.0 - 1.0; if (dot(c, c) > 1.0) discard; outColour = vec4(vColour, 1.0); }`;

function compile(gl: WebGL2RenderingContext, type: number, source: string): WebGLShader {
  const s = gl.createShader(type)!;
  gl.shaderSource(s, source);
  gl.compileShader(s);
  if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(`WebGL 2 shader: ${gl.getShaderInfoLog(s)}`);
  return s;
}

/** Points centred and scaled into [-1, 1] by their largest extent, like the WebGPU view. */
export function normalisedPositions(data: Dataset): Float32Array {
  const dims = Math.min(3, data.d);
  const x = data.x!;
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < data.n; i++) for (let c = 0; c < dims; c++) { lo[c] = Math.min(lo[c], x[i * data.d + c]); hi[c] = Math.max(hi[c], x[i * data.d + c]); }
  const extent = Math.max(1e-12, ...[0, 1, 2].slice(0, dims).map((c) => hi[c] - lo[c]));
  const out = new Float32Array(data.n * 3);
  for (let i = 0; i < data.n; i++) for (let c = 0; c < dims; c++) out[i * 3 + c] = ((x[i * data.d + c] - (lo[c] + hi[c]) / 2) * 2) / extent;
  return out;
}

export class WebGlScatter {
  private readonly gl: WebGL2RenderingContext;
  private readonly program: WebGLProgram;
  private count = 0;
  private yaw = 0;
  private pitch = 0;
  private zoom = 1;

  constructor(readonly canvas: HTMLCanvasElement) {
    const gl = canvas.getContext('webgl2');
    if (!gl) throw new Error('WebGL 2 is not available either.');
    this.gl = gl;
    const p = gl.createProgram()!;
    gl.attachShader(p, compile(gl, gl.VERTEX_SHADER, VERTEX));
    gl.attachShader(p, compile(gl, gl.FRAGMENT_SHADER, FRAGMENT));
    gl.linkProgram(p);
    if (!gl.getProgramParameter(p, gl.LINK_STATUS)) throw new Error(`WebGL 2 program: ${gl.getProgramInfoLog(p)}`);
    this.program = p;
    let drag: [number, number] | null = null;
    canvas.onpointerdown = (e) => { drag = [e.clientX, e.clientY]; };
    canvas.onpointerup = () => { drag = null; };
    canvas.onpointermove = (e) => {
      if (!drag) return;
      this.yaw += (e.clientX - drag[0]) * 0.01;
      this.pitch = Math.max(-1.5, Math.min(1.5, this.pitch + (e.clientY - drag[1]) * 0.01));
      drag = [e.clientX, e.clientY];
      this.draw();
    };
    canvas.onwheel = (e) => { e.preventDefault(); this.zoom *= Math.exp(-e.deltaY * 0.001); this.draw(); };
  }

  /** Uploads an embedding [n, 2|3] (more columns: the first three) coloured by its labels. */
  show(data: Dataset): void {
    if (!data.x || data.d < 2) throw new Error(`${data.name}: the fallback draws an embedding of 2 or 3 columns; it has ${data.d}.`);
    const gl = this.gl;
    const colours = new Float32Array(data.n * 3);
    for (let i = 0; i < data.n; i++) colours.set(data.labels ? classColour(data.labels[i]) : [0.55, 0.75, 1.0], i * 3);
    gl.useProgram(this.program);
    const vao = gl.createVertexArray();
    gl.bindVertexArray(vao);
    for (const [name, values] of [['position', normalisedPositions(data)], ['colour', colours]] as const) {
      const buf = gl.createBuffer();
      gl.bindBuffer(gl.ARRAY_BUFFER, buf);
      gl.bufferData(gl.ARRAY_BUFFER, values, gl.STATIC_DRAW);
      const at = gl.getAttribLocation(this.program, name);
      gl.enableVertexAttribArray(at);
      gl.vertexAttribPointer(at, 3, gl.FLOAT, false, 0, 0);
    }
    this.count = data.n;
    this.draw();
  }

  draw(): void {
    const gl = this.gl;
    const [w, h] = [this.canvas.clientWidth || 1, this.canvas.clientHeight || 1];
    this.canvas.width = w;
    this.canvas.height = h;
    gl.viewport(0, 0, w, h);
    gl.clearColor(0x10 / 255, 0x14 / 255, 0x18 / 255, 1);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
    gl.enable(gl.DEPTH_TEST);
    // Orthographic rotation: yaw about y, then pitch about x; z squeezed into the depth range.
    const [cy, sy, cp, sp] = [Math.cos(this.yaw), Math.sin(this.yaw), Math.cos(this.pitch), Math.sin(this.pitch)];
    const s = 0.9 * this.zoom, ax = Math.min(1, h / w), ay = Math.min(1, w / h);
    const mvp = new Float32Array([
      s * ax * cy, s * ay * sy * sp, -0.5 * sy * cp, 0,
      0, s * ay * cp, 0.5 * sp, 0,
      s * ax * sy, -s * ay * cy * sp, 0.5 * cy * cp, 0,
      0, 0, 0, 1,
    ]);
    gl.useProgram(this.program);
    gl.uniformMatrix4fv(gl.getUniformLocation(this.program, 'mvp'), false, mvp);
    gl.uniform1f(gl.getUniformLocation(this.program, 'size'), 4);
    gl.drawArrays(gl.POINTS, 0, this.count);
  }
}
