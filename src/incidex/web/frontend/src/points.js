// The map's points as typed columns: `GET /api/events/points?format=binary` (docs/WEB.md). Reading them costs
// no parsing and no object per point, where 50,000 JSON rows took megabytes and a parse of their own.
const MAGIC = "IXP1";
const ARRAYS = { int32: Int32Array, float32: Float32Array, uint8: Uint8Array };

export function decodePoints(buf) {
  const bytes = new Uint8Array(buf);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== MAGIC) throw new Error("not incidex points (" + magic + ")");
  const headLen = new DataView(buf).getUint32(4, true);
  const head = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headLen)));
  const n = head.count;
  const cols = {};
  let off = 8 + headLen;
  for (const [name, type] of head.columns) {
    const T = ARRAYS[type];
    if (!T) throw new Error("unknown column type " + type);
    cols[name] = new T(buf, off, n); // 4-byte columns come first, at offsets the header's padding keeps aligned
    off += n * T.BYTES_PER_ELEMENT;
  }
  return { count: n, truncated: head.truncated, types: head.types, noDay: head.no_day, cols };
}
