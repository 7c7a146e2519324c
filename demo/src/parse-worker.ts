// Parses a dropped file off the UI thread: a 100 MB CSV would otherwise freeze the page. A large
// .npy is streamed: its header, then blocks of rows as they are read (see npy-stream.ts).
import { parseFile } from './parsers.js';
import { blockRows, npyBlock, npyLayout } from './npy-stream.js';
import { parseParquet } from './parquet-file.js';

const post = (msg: unknown, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(msg, transfer);

async function streamNpy(file: File): Promise<boolean> {
  const head = new Uint8Array(await file.slice(0, 65536).arrayBuffer());
  const layout = npyLayout(head, file.size);
  if (!layout) return false;
  const { n, d, dataStart, descr } = layout;
  const item = descr === '<f8' ? 8 : descr === '|u1' ? 1 : 4;
  post({ type: 'header', name: file.name, n, d });
  const step = blockRows(d);
  for (let row0 = 0; row0 < n; row0 += step) {
    const rows = Math.min(step, n - row0);
    const bytes = await file.slice(dataStart + row0 * d * item, dataStart + (row0 + rows) * d * item).arrayBuffer();
    const x = npyBlock(bytes, layout, row0, file.name);
    post({ type: 'rows', row0, x }, [x.buffer]);
  }
  post({ type: 'done' });
  return true;
}

self.onmessage = async (ev: MessageEvent<{ file: File }>) => {
  const { file } = ev.data;
  try {
    if (file.name.toLowerCase().endsWith('.npy') && await streamNpy(file)) return;
    const data = /\.(parquet|pq)$/i.test(file.name) ? await parseParquet(file, file.name) : parseFile(file.name, await file.arrayBuffer());
    const transfer: Transferable[] = [data.x!.buffer];
    if (data.labels) transfer.push(data.labels.buffer);
    if (data.images) transfer.push(data.images.pixels.buffer);
    post({ type: 'data', data }, transfer);
  } catch (e) {
    post({ type: 'error', error: (e as Error).message });
  }
};
