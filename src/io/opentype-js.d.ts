// The part of opentype.js that src/io/font.ts uses (the package ships no declarations).
declare module 'opentype.js' {
  const opentype: { parse(buffer: ArrayBuffer): unknown };
  export default opentype;
}
