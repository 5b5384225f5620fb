// The intent model's inner loop (every label's logit += weight x feature value, for each feature of a message) as a
// WebAssembly SIMD kernel, with the plain JavaScript loop as its reference and fallback.
//
// Hand-written because it is most of what a prediction costs and JavaScript cannot vectorise it: each weight is a
// bounds-checked float32 load, a conversion and a scalar multiply-add. The kernel does two labels per instruction
// and, working in float64 on the same products in the same order, gives bit-for-bit the JavaScript result
// (WebAssembly, like JavaScript, never fuses a multiply and an add). Measured on the starter model: about 2x faster
// on this loop (see the commit that added it).

/** out[j] += sum over i < n of w[bases[i] + j] * vals[i] for every label j < k, accumulating in index order. */
export function accumulateJs(
  out: Float64Array,
  k: number,
  w: Float32Array,
  bases: Int32Array,
  vals: Float64Array,
  n: number,
): void {
  // Four labels at a time in local variables: the plain loop over labels per feature loads and stores out[j] for
  // every product, which cost more than the arithmetic (~1.5x). Each out[j] still adds the same products in order.
  let j = 0;
  for (; j + 4 <= k; j += 4) {
    let a0 = out[j] as number;
    let a1 = out[j + 1] as number;
    let a2 = out[j + 2] as number;
    let a3 = out[j + 3] as number;
    for (let i = 0; i < n; i++) {
      const v = vals[i] as number;
      const b = (bases[i] as number) + j;
      a0 += (w[b] as number) * v;
      a1 += (w[b + 1] as number) * v;
      a2 += (w[b + 2] as number) * v;
      a3 += (w[b + 3] as number) * v;
    }
    out[j] = a0;
    out[j + 1] = a1;
    out[j + 2] = a2;
    out[j + 3] = a3;
  }
  for (; j < k; j++) {
    let a = out[j] as number;
    for (let i = 0; i < n; i++) a += (w[(bases[i] as number) + j] as number) * (vals[i] as number);
    out[j] = a;
  }
}

/** accumulateJs over float64 rows: out[j] += sum over i < n of rows[bases[i] + j] * vals[i], in index order. */
export function accumulateRowsJs(
  out: Float64Array,
  k: number,
  rows: Float64Array,
  bases: Int32Array,
  vals: Float64Array,
  n: number,
): void {
  for (let j = 0; j < k; j++) {
    let a = out[j] as number;
    for (let i = 0; i < n; i++) a += (rows[(bases[i] as number) + j] as number) * (vals[i] as number);
    out[j] = a;
  }
}

/**
 * A weight matrix with its scratch space, for repeated accumulations: for each feature i set
 * `bases[i] = firstRow + row * rowStride` and `vals[i]` to its value, then `run(n)` adds them into `out`. The
 * WebAssembly form copies the weights into its own memory (rows padded to a multiple of four labels, addressed in
 * bytes); the JavaScript form reads them in place.
 */
export interface Accumulator {
  /** Logits, length >= k; `run` adds into it. */
  readonly out: Float64Array;
  /** Where each feature's weight row starts, for the next `run`. */
  readonly bases: Int32Array;
  /** Value of each feature for the next `run`. */
  readonly vals: Float64Array;
  readonly firstRow: number;
  readonly rowStride: number;
  run(n: number): void;
  /**
   * Rows of float64 the owner fills itself (the intent model's per-word sums), `rows64Stride` labels apart; a feature
   * on row r has base `firstRow64 + r * rowStride64`, and `run64(n)` adds such features as `run` does, but into
   * `out64`, a second output, so that they can be summed while `out` serves other work.
   */
  readonly out64: Float64Array;
  readonly rows64: Float64Array;
  readonly rows64Stride: number;
  readonly firstRow64: number;
  readonly rowStride64: number;
  run64(n: number): void;
  readonly kind: "wasm-simd" | "js";
}

/** The fastest accumulator this runtime supports; `preferJs` forces the reference loop (tests, comparison). */
export function createAccumulator(
  weights: Float32Array,
  k: number,
  capacity: number,
  preferJs = false,
  rows64 = 0,
): Accumulator {
  if (!preferJs) {
    const wasm = tryWasmAccumulator(weights, k, capacity, rows64);
    if (wasm) return wasm;
  }
  return jsAccumulator(weights, k, capacity, rows64);
}

function jsAccumulator(weights: Float32Array, k: number, capacity: number, rowCount64: number): Accumulator {
  const out = new Float64Array(k);
  const bases = new Int32Array(capacity);
  const vals = new Float64Array(capacity);
  const rows64 = new Float64Array(rowCount64 * k);
  const out64 = new Float64Array(k);
  return {
    out,
    bases,
    vals,
    firstRow: 0,
    rowStride: k,
    out64,
    rows64,
    rows64Stride: k,
    firstRow64: 0,
    rowStride64: k,
    kind: "js",
    run: (n: number) => accumulateJs(out, k, weights, bases, vals, n),
    run64: (n: number) => accumulateRowsJs(out64, k, rows64, bases, vals, n),
  };
}

const PAGE = 65536;
const MAX_PAGES = 32768; // 2 GiB: beyond it the JavaScript loop is used rather than failing

function tryWasmAccumulator(
  weights: Float32Array,
  k: number,
  capacity: number,
  rowCount64: number,
): Accumulator | null {
  if (typeof WebAssembly !== "object" || k === 0) return null;
  const groups = Math.ceil(k / 4);
  const stride = groups * 4; // labels per padded row
  const rowCount = weights.length / k;
  // Layout: out, out64 (f64 x stride each) | feature byte offsets (i32 x capacity) | values (f64 x capacity) |
  // weights (f32 rows) | the owner's float64 rows.
  const outAt = 0;
  const out64At = outAt + stride * 8;
  const basesAt = align(out64At + stride * 8, 16);
  const valsAt = align(basesAt + capacity * 4, 16);
  const weightsAt = align(valsAt + capacity * 8, 16);
  const rows64At = align(weightsAt + rowCount * stride * 4, 16);
  const bytes = rows64At + rowCount64 * stride * 8;
  const pages = Math.ceil(bytes / PAGE);
  if (pages > MAX_PAGES) return null;
  type Kernel = (bases: number, vals: number, n: number, out: number, groups: number) => void;
  let run: Kernel;
  let run64: Kernel;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(kernelModule(groups)), {
      env: { memory },
    });
    run = instance.exports.accumulate as Kernel;
    run64 = instance.exports.accumulate64 as Kernel;
  } catch {
    return null; // no SIMD (or no memory to spare): the JavaScript loop gives the same numbers
  }
  const buffer = memory.buffer;
  const padded = new Float32Array(buffer, weightsAt, rowCount * stride);
  for (let r = 0; r < rowCount; r++) padded.set(weights.subarray(r * k, r * k + k), r * stride);
  const out = new Float64Array(buffer, outAt, k);
  const bases = new Int32Array(buffer, basesAt, capacity);
  const vals = new Float64Array(buffer, valsAt, capacity);
  return {
    out,
    bases,
    vals,
    firstRow: weightsAt,
    rowStride: stride * 4,
    out64: new Float64Array(buffer, out64At, k),
    rows64: new Float64Array(buffer, rows64At, rowCount64 * stride),
    rows64Stride: stride,
    firstRow64: rows64At,
    rowStride64: stride * 8,
    kind: "wasm-simd",
    run: (n: number) => run(basesAt, valsAt, n, outAt, groups),
    run64: (n: number) => run64(basesAt, valsAt, n, out64At, groups),
  };
}

function align(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}

// --- The kernel, assembled from its instructions (a dozen lines of WAT; no toolchain needed) -------------------
//
// (func (export "accumulate") (param $bases i32) (param $vals i32) (param $n i32) (param $out i32) (param $groups i32)
//   for $g in [0, $groups):                      ;; four labels per group: two f64x2 accumulators
//     $lo, $hi = v128.load(out + 32g), v128.load(out + 32g + 16)
//     for $i in [0, $n):
//       $w = i32.load(bases + 4i) + 16g           ;; byte address of this feature's four weights
//       $v = f64x2.splat(f64.load(vals + 8i))
//       $lo += f64x2.promote_low_f32x4(v128.load64_zero($w)) * $v
//       $hi += f64x2.promote_low_f32x4(v128.load64_zero($w + 8)) * $v
//     store $lo, $hi back)

const I32 = 0x7f;
const V128 = 0x7b;
const EMPTY = 0x40;
const [BLOCK, LOOP, BR, BR_IF, END] = [0x02, 0x03, 0x0c, 0x0d, 0x0b];
const [GET, SET] = [0x20, 0x21];
const [I32_LOAD, F64_LOAD, I32_CONST, I32_GE_S, I32_ADD, I32_SHL] = [0x28, 0x2b, 0x41, 0x4e, 0x6a, 0x74];
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const V128_LOAD = simd(0x00);
const V128_STORE = simd(0x0b);
const F64X2_SPLAT = simd(0x14);
const V128_LOAD64_ZERO = simd(0x5d);
const F64X2_PROMOTE_LOW_F32X4 = simd(0x5f);
const F64X2_ADD = simd(0xf0);
const F64X2_MUL = simd(0xf2);
/** memarg: log2 alignment, then offset. */
const mem = (alignLog2: number, offset = 0): number[] => [alignLog2, ...uleb(offset)];

// Locals: params 0-4, then $g $i $w (i32), $lo $hi $v (v128), $gb (i32: 16g).
const [P_BASES, P_VALS, P_N, P_OUT, P_GROUPS] = [0, 1, 2, 3, 4];
const [G, I, W, LO, HI, V, GB] = [5, 6, 7, 8, 9, 10, 11];

// With few labels (MAX_UNROLLED_GROUPS groups of four or fewer, the starter model has 22) the kernel is generated for
// its label count instead, feature by feature: every group's two accumulators stay in registers for the whole run,
// so each feature's row address and value are loaded once rather than once per group, which about halves the
// instructions. Each label still adds the same products in feature order, so the logits are the same bits.
//
// (func (export "accumulate") (param $bases i32) (param $vals i32) (param $n i32) (param $out i32) (param $groups i32)
//   $acc[2g], $acc[2g + 1] = v128.load(out + 32g), v128.load(out + 32g + 16)   ;; for each group g, unrolled
//   for $i in [0, $n):
//     $w = i32.load(bases + 4i); $v = f64x2.splat(f64.load(vals + 8i))
//     $acc[h] += f64x2.promote_low_f32x4(v128.load64_zero($w + 8h)) * $v           ;; for each h < 2 x groups
//   store every $acc back)

/** Most groups of four labels the feature-by-feature kernel is generated for: two v128 registers each. */
const MAX_UNROLLED_GROUPS = 6;

// Locals of the unrolled kernel: params 0-4, then $i $w (i32), $v (v128), then the accumulators (v128).
const [UI, UW, UV, UACC] = [5, 6, 7, 8];

/**
 * One label pair's weights at `offset` bytes past the row address in local `w`, as f64x2: two float32 promoted, or
 * (`wide`, the float64 rows) loaded as they are.
 */
function loadPair(w: number, wide: boolean, pair: number): number[] {
  return wide
    ? [GET, w, ...V128_LOAD, ...mem(3, 16 * pair)]
    : [GET, w, ...V128_LOAD64_ZERO, ...mem(3, 8 * pair), ...F64X2_PROMOTE_LOW_F32X4];
}

function unrolledKernelBody(groups: number, wide: boolean): number[] {
  const body: number[] = [];
  for (let h = 0; h < 2 * groups; h++) body.push(GET, P_OUT, ...V128_LOAD, ...mem(4, 16 * h), SET, UACC + h);
  // biome-ignore format: one instruction per line group reads better than the formatter's packing
  body.push(
    I32_CONST, 0, SET, UI,
    BLOCK, EMPTY, LOOP, EMPTY,
      GET, UI, GET, P_N, I32_GE_S, BR_IF, 1,
      GET, P_BASES, GET, UI, I32_CONST, 2, I32_SHL, I32_ADD, I32_LOAD, ...mem(2), SET, UW,
      GET, P_VALS, GET, UI, I32_CONST, 3, I32_SHL, I32_ADD, F64_LOAD, ...mem(3), ...F64X2_SPLAT, SET, UV,
  );
  for (let h = 0; h < 2 * groups; h++) {
    // biome-ignore format: as above
    body.push(
      GET, UACC + h,
      ...loadPair(UW, wide, h),
      GET, UV, ...F64X2_MUL, ...F64X2_ADD,
      SET, UACC + h,
    );
  }
  // biome-ignore format: as above
  body.push(
      GET, UI, I32_CONST, 1, I32_ADD, SET, UI,
      BR, 0,
    END, END,
  );
  for (let h = 0; h < 2 * groups; h++) body.push(GET, P_OUT, GET, UACC + h, ...V128_STORE, ...mem(4, 16 * h));
  body.push(END);
  return body;
}

function kernelBody(wide: boolean): number[] {
  const outAddress = [GET, P_OUT, GET, GB, I32_CONST, 1, I32_SHL, I32_ADD]; // out + 32g
  // A group of four labels is 16 bytes of float32 weights, or 32 of float64.
  const groupOffset = wide ? [GET, GB, I32_CONST, 1, I32_SHL, I32_ADD] : [GET, GB, I32_ADD];
  const accumulate = (acc: number, pair: number) => [
    GET,
    acc,
    ...loadPair(W, wide, pair),
    GET,
    V,
    ...F64X2_MUL,
    ...F64X2_ADD,
    SET,
    acc,
  ];
  // biome-ignore format: one instruction per line group reads better than the formatter's packing
  return [
    I32_CONST, 0, SET, G,
    BLOCK, EMPTY, LOOP, EMPTY,
      GET, G, GET, P_GROUPS, I32_GE_S, BR_IF, 1,
      GET, G, I32_CONST, 4, I32_SHL, SET, GB,
      ...outAddress, ...V128_LOAD, ...mem(4, 0), SET, LO,
      ...outAddress, ...V128_LOAD, ...mem(4, 16), SET, HI,
      I32_CONST, 0, SET, I,
      BLOCK, EMPTY, LOOP, EMPTY,
        GET, I, GET, P_N, I32_GE_S, BR_IF, 1,
        GET, P_BASES, GET, I, I32_CONST, 2, I32_SHL, I32_ADD, I32_LOAD, ...mem(2), ...groupOffset, SET, W,
        GET, P_VALS, GET, I, I32_CONST, 3, I32_SHL, I32_ADD, F64_LOAD, ...mem(3), ...F64X2_SPLAT, SET, V,
        ...accumulate(LO, 0),
        ...accumulate(HI, 1),
        GET, I, I32_CONST, 1, I32_ADD, SET, I,
        BR, 0,
      END, END,
      ...outAddress, GET, LO, ...V128_STORE, ...mem(4, 0),
      ...outAddress, GET, HI, ...V128_STORE, ...mem(4, 16),
      GET, G, I32_CONST, 1, I32_ADD, SET, G,
      BR, 0,
    END, END,
    END,
  ];
}

/** The kernel module for a label count of `groups` groups of four, built once per count. */
const modules = new Map<number, Uint8Array<ArrayBuffer>>();

function kernelModule(groups: number): Uint8Array<ArrayBuffer> {
  const unrolled = groups <= MAX_UNROLLED_GROUPS;
  const key = unrolled ? groups : 0;
  const cached = modules.get(key);
  if (cached) return cached;
  const locals = unrolled
    ? vec([
        [2, I32],
        [1 + 2 * groups, V128],
      ])
    : vec([
        [3, I32],
        [3, V128],
        [1, I32],
      ]);
  const body = (wide: boolean) => [
    ...locals,
    ...(unrolled ? unrolledKernelBody(groups, wide) : kernelBody(wide)),
  ];
  const str = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
  const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
  const type = section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), 0]]));
  const imports = section(2, vec([[...str("env"), ...str("memory"), 0x02, 0x00, 0x00]])); // memory, min 0 pages
  // Two functions of the one type: over float32 weight rows, and over the owner's float64 rows.
  const functions = section(3, vec([[0], [0]]));
  const exports = section(
    7,
    vec([
      [...str("accumulate"), 0x00, 0],
      [...str("accumulate64"), 0x00, 1],
    ]),
  );
  const narrow = body(false);
  const wide = body(true);
  const code = section(
    10,
    vec([
      [...uleb(narrow.length), ...narrow],
      [...uleb(wide.length), ...wide],
    ]),
  );
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const bytes = new Uint8Array([...header, ...type, ...imports, ...functions, ...exports, ...code]);
  modules.set(key, bytes);
  return bytes;
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}
