import { StudioError } from '../../../../src-shared/contract/StudioError.ts';
import { opInputs, type DeployGraph, type GraphOp } from '../../optimize/graph/DeployGraph.ts';

export interface ArenaEstimate {
  /** Peak of the activation plan: what TFLite Micro's GreedyMemoryPlanner would need for the tensors. */
  activationBytes: number;
  /** The allowance for TFLite Micro's own structures in the arena (see `estimateArena`). */
  overheadBytes: number;
  totalBytes: number;
}

export interface ArenaOptions {
  /**
   * The model has float32 I/O around int8 ops: QUANTIZE before the first op and DEQUANTIZE after the
   * last, so the arena also holds the float input and output (4 bytes per value).
   */
  floatEdges?: boolean;
}

/** TFLite Micro aligns every arena buffer to 16 bytes (MicroArenaBufferAlignment). */
const ALIGNMENT = 16;
/** The allocator and memory planner objects, subgraph bookkeeping, the persistent TfLiteTensors of the input and output and alignment slack. */
const FIXED_OVERHEAD = 1024;
/** A TfLiteEvalTensor per tensor of the model, constants included (12 B on 32-bit, 24 B on 64-bit), with dims slack. */
const PER_TENSOR_OVERHEAD = 32;
/** A NodeAndRegistration per op (about 40 B on 32-bit, 80 B on 64-bit), its parsed options and its kernel's OpData. */
const PER_OP_OVERHEAD = 128;
/** int8 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED keep an int32 output multiplier and shift per output channel. */
const PER_INT8_CHANNEL_OVERHEAD = 8;

/** One arena buffer of a plan: its size and the op indices it is alive over, both ends included. */
export interface PlannedBuffer {
  size: number;
  first: number;
  last: number;
}

/**
 * An estimate of the tensor arena a TFLite Micro interpreter needs to run the graph, in bytes.
 *
 * Activations: planned as TFLite Micro's GreedyMemoryPlanner does. Each activation tensor is one
 * buffer (values × `bytesPerValue(tensorId)`, rounded up to 16 bytes), alive from the op that writes
 * it to the last op that reads it, with TFLM's lifetimes for the graph's ends: the input from the
 * start of the run (to its last reader: TFLM reuses it after that), the output to the end. Buffers are
 * placed largest first, each at the lowest offset clear of every placed buffer alive at the same time.
 * An int8 MEAN also gets the int32 scratch buffer TFLM's reduce kernel requests for its op. With
 * `floatEdges`, the QUANTIZE / DEQUANTIZE ops and their float tensors are planned too.
 *
 * Overhead: a fixed allowance for TFLM's bookkeeping in the arena's persistent section: 1 KiB, plus
 * 32 B per tensor (constants included), 128 B per op and 8 B per output channel of an int8 conv,
 * depthwise conv or fully connected op (its per-channel multipliers). The figures are rounded up from
 * TFLM's structures on 64-bit hosts, so 32-bit targets usually need a little less.
 *
 * What it leaves out: scratch buffers that optimized kernels request (CMSIS-NN's convolution
 * buffers, for example; the reference kernels of these ops need none but MEAN's), the memory
 * planner's temporary working space during AllocateTensors (about 36 B per buffer, freed before the
 * plan is used), in-place reuse TFLM may apply to RESHAPE, and changes between TFLM versions. Size the
 * arena with some margin and read the real figure from `MicroInterpreter::arena_used_bytes()`.
 */
export function estimateArena(
  graph: DeployGraph,
  bytesPerValue: (tensorId: number) => number,
  options: ArenaOptions = {},
): ArenaEstimate {
  const steps: { reads: number[]; writes: number; scratchBytes: number }[] = [];
  const sizes = new Map<number, number>();
  const elements = (id: number): number => {
    const tensor = graph.tensors[id];
    if (tensor === undefined) throw new StudioError('internal', `The graph has no tensor ${id}.`);
    return tensor.shape.reduce((product, dim) => product * dim, 1);
  };
  const valueBytes = (id: number): number => {
    const bytes = bytesPerValue(id);
    if (!Number.isInteger(bytes) || bytes <= 0) {
      throw new StudioError('internal', `Tensor ${id} (${graph.tensors[id]?.name}) has ${bytes} bytes per value.`);
    }
    return bytes;
  };
  for (const tensor of graph.tensors) sizes.set(tensor.id, elements(tensor.id) * valueBytes(tensor.id));

  let runInput = graph.input;
  let runOutput = graph.output;
  if (options.floatEdges === true) {
    // Ids past the graph's own: the float tensors on the far side of QUANTIZE and DEQUANTIZE.
    runInput = graph.tensors.length;
    runOutput = graph.tensors.length + 1;
    sizes.set(runInput, elements(graph.input) * 4);
    sizes.set(runOutput, elements(graph.output) * 4);
    steps.push({ reads: [runInput], writes: graph.input, scratchBytes: 0 });
  }
  for (const op of graph.ops) {
    steps.push({ reads: opInputs(op), writes: op.output, scratchBytes: opScratchBytes(op, elements, valueBytes) });
  }
  if (options.floatEdges === true) steps.push({ reads: [graph.output], writes: runOutput, scratchBytes: 0 });
  if (steps.length === 0) throw new StudioError('internal', 'The graph has no ops: there is nothing to plan.');

  const first = new Map<number, number>([[runInput, 0]]);
  const last = new Map<number, number>();
  const scratch: PlannedBuffer[] = [];
  steps.forEach((step, index) => {
    for (const id of step.reads) {
      if (!first.has(id)) {
        const name = graph.tensors[id]?.name ?? 'a float edge';
        throw new StudioError('internal', `Op ${index} reads tensor ${id} (${name}) before any op writes it.`);
      }
      last.set(id, index);
    }
    if (!first.has(step.writes)) first.set(step.writes, index);
    if (step.scratchBytes > 0) scratch.push({ size: alignUp(step.scratchBytes), first: index, last: index });
  });
  last.set(runOutput, steps.length - 1);
  if (!first.has(runOutput))
    throw new StudioError('internal', `No op writes the graph's output (tensor ${runOutput}).`);

  // Added in tensor order, as TFLM adds them; scratch buffers stay after (TFLM adds them last too).
  const tensorBuffers = [...first.entries()]
    .sort(([a], [b]) => a - b)
    .map(([id, start]) => ({ size: alignUp(sizes.get(id) ?? 0), first: start, last: last.get(id) ?? start }));
  const activationBytes = planGreedy([...tensorBuffers, ...scratch]);

  const constants = graph.ops.reduce((count, op) => count + constantTensorCount(op), 0);
  const edges = options.floatEdges === true ? 2 : 0;
  const tensorCount = first.size + constants;
  const channels = graph.ops.reduce(
    (count, op) => count + (valueBytes(opInputs(op)[0]!) === 1 ? outputChannels(op) : 0),
    0,
  );
  const overheadBytes =
    FIXED_OVERHEAD +
    PER_TENSOR_OVERHEAD * tensorCount +
    PER_OP_OVERHEAD * (graph.ops.length + edges) +
    PER_INT8_CHANNEL_OVERHEAD * channels;
  return { activationBytes, overheadBytes, totalBytes: activationBytes + overheadBytes };
}

/**
 * The arena size a plan needs, placing buffers as TFLM's GreedyMemoryPlanner does: by size descending
 * (ties: the later-added buffer first, as its stable sort of a reversed list leaves them), each at the
 * first gap, in offset order, among the placed buffers whose lifetimes overlap its own.
 */
export function planGreedy(buffers: readonly PlannedBuffer[]): number {
  const order = buffers.map((_, index) => index).reverse();
  order.sort((a, b) => buffers[b]!.size - buffers[a]!.size);
  const placed: (PlannedBuffer & { offset: number })[] = []; // kept in offset order
  let peak = 0;
  for (const index of order) {
    const buffer = buffers[index]!;
    let offset = 0;
    for (const other of placed) {
      if (other.first > buffer.last || buffer.first > other.last) continue;
      if (other.offset - offset >= buffer.size) break;
      offset = Math.max(offset, other.offset + other.size);
    }
    const at = placed.findIndex((other) => other.offset > offset);
    placed.splice(at === -1 ? placed.length : at, 0, { ...buffer, offset });
    peak = Math.max(peak, offset + buffer.size);
  }
  return peak;
}

function alignUp(bytes: number): number {
  return Math.ceil(bytes / ALIGNMENT) * ALIGNMENT;
}

/** Weight and bias tensors of weighted ops; RESHAPE's new shape and MEAN's axes, as TF's converter writes them. */
function constantTensorCount(op: GraphOp): number {
  if (op.kind === 'conv2d' || op.kind === 'depthwise_conv2d' || op.kind === 'fully_connected') return 2;
  return op.kind === 'reshape' || op.kind === 'mean' ? 1 : 0;
}

function outputChannels(op: GraphOp): number {
  if (op.kind === 'conv2d') return op.filterShape[0];
  if (op.kind === 'depthwise_conv2d') return op.filterShape[3];
  return op.kind === 'fully_connected' ? op.weightsShape[0] : 0;
}

/** TFLM's int8 MEAN accumulates in an int32 scratch buffer of one value per output element. */
function opScratchBytes(op: GraphOp, elements: (id: number) => number, valueBytes: (id: number) => number): number {
  return op.kind === 'mean' && valueBytes(op.input) === 1 ? elements(op.output) * 4 : 0;
}
