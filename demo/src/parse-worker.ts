// Parses a dropped file off the UI thread: a 100 MB CSV would otherwise freeze the page.
import { parseFile } from './parsers.js';

self.onmessage = (ev: MessageEvent<{ name: string; buffer: ArrayBuffer }>) => {
  try {
    const data = parseFile(ev.data.name, ev.data.buffer);
    const transfer: Transferable[] = [data.x!.buffer];
    if (data.labels) transfer.push(data.labels.buffer);
    if (data.images) transfer.push(data.images.pixels.buffer);
    (self as unknown as Worker).postMessage({ ok: true, data }, transfer);
  } catch (e) {
    (self as unknown as Worker).postMessage({ ok: false, error: (e as Error).message });
  }
};
