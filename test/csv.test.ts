// The CSV reader (Papa Parse under it, read in 4 MiB chunks): dialects, and records that cross chunks.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDelimited } from '../src/io/delimited.js';
import { readLabelsFile } from '../src/io/dataset.js';
import { tempDir } from './cli-helpers.js';

const dir = tempDir();
const at = (f: string) => join(dir, f);

describe('readDelimited', () => {
  it('sniffs ; | and tab, reads a BOM and CRLF, and keeps quoted delimiters and line breaks in labels', () => {
    for (const d of [';', '|', '\t']) {
      writeFileSync(at('d.txt'), `\uFEFFx${d}y${d}name\r\n1.5${d}2${d}"a${d}b"\r\n3${d}4${d}"two\r\nlines"\r\n5${d}6${d}plain\r\n`);
      const t = readDelimited(at('d.txt'), { labelColumn: 'name' });
      expect(t.delimiter).toBe(d);
      expect(t.columns).toEqual(['x', 'y']);
      expect(t.labels).toEqual([`a${d}b`, 'two\r\nlines', 'plain']);
      expect(Array.from(t.lines)).toEqual([2, 3, 5]);
      expect(Number.isNaN(t.data[0])).toBe(false);
    }
  });

  it('reads records that span the 4 MiB chunks, with their line numbers', () => {
    const rows: string[] = ['a,b,label'];
    const want: string[] = [];
    let i = 0;
    for (let bytes = 0; bytes < 9.5 * 1024 * 1024; i++) {
      const label = i % 7 === 0 ? `"multi\nline ""${i}"", with comma"` : `l${i}`;
      want.push(i % 7 === 0 ? `multi\nline "${i}", with comma` : `l${i}`);
      const row = `${i},${(i * 0.5).toFixed(1)},${label}`;
      rows.push(row);
      bytes += row.length + 1;
    }
    writeFileSync(at('big.csv'), rows.join('\n') + '\n');
    const t = readDelimited(at('big.csv'), { labelColumn: 'label' });
    expect(t.rows).toBe(i);
    expect(t.labels).toEqual(want);
    for (let r = 0; r < i; r += 997) expect([t.data[2 * r], t.data[2 * r + 1]]).toEqual([r, Math.round(r * 0.5 * 10) / 10]);
    // Each multi-line record pushes the next record's line down by one.
    const last = i - 1;
    expect(t.lines[last]).toBe(2 + last + Math.ceil(last / 7));
  });

  it('treats # as data unless asked, and reads a header of numbers with header: true', () => {
    writeFileSync(at('c.csv'), 'colour,v\n#ff0000,1\n#123,2\nred,3\n');
    expect(readDelimited(at('c.csv'), { labelColumn: 'colour' }).labels).toEqual(['#ff0000', '#123', 'red']);
    expect(readDelimited(at('c.csv'), { labelColumn: 'colour', comment: '#' }).labels).toEqual(['red']);
    writeFileSync(at('y.csv'), '2019,2020\n1,2\n3,4\n');
    expect(readDelimited(at('y.csv')).rows).toBe(3);
    const h = readDelimited(at('y.csv'), { header: true });
    expect([h.rows, h.columns]).toEqual([2, ['2019', '2020']]);
    expect(readDelimited(at('y.csv'), { header: false }).hasHeader).toBe(false);
  });
});

describe('readLabelsFile', () => {
  it('drops a header line found as for CSV, or named as one when the file has one line more than the rows', () => {
    writeFileSync(at('n.txt'), 'label\n1\n2\n');
    expect(readLabelsFile(at('n.txt'))).toEqual(['1', '2']);
    writeFileSync(at('w.txt'), 'class\ncat\ndog\n');
    expect(readLabelsFile(at('w.txt'), { rows: 2 })).toEqual(['cat', 'dog']);
    expect(readLabelsFile(at('w.txt'), { rows: 3 })).toEqual(['class', 'cat', 'dog']);
    expect(readLabelsFile(at('w.txt'), { header: false, rows: 2 })).toEqual(['class', 'cat', 'dog']);
  });
});
