/** One Keras layer of a functional model as model.json describes it. */
export interface KerasLayer {
  name: string;
  className: string;
  config: Record<string, unknown>;
  /** Names of the layers whose outputs this layer reads, in order (an Add reads several). */
  inputs: string[];
}

export interface KerasTopology {
  /** Every layer, each after the layers it reads. */
  layers: KerasLayer[];
  /** The model's one input layer and one output layer. */
  input: string;
  output: string;
  /** How many times each layer's output is read by other layers. */
  readers: Map<string, number>;
}

/** An error about one layer, naming it and its class, e.g. `Layer "lstm_1" (LSTM) cannot be …`. */
export function layerError(layer: Pick<KerasLayer, 'name' | 'className'>, problem: string): Error {
  return new Error(`Layer "${layer.name}" (${layer.className}) ${problem}`);
}

/**
 * The layers of a Keras functional model from model.json's `modelTopology`, as TF.js writes it
 * (`{class_name: "Model", config: {layers, input_layers, output_layers}}`) or as the Python
 * converter does (the same under `model_config`). Only a single-input, single-output graph of
 * layers each applied once is accepted: that is all a TFLite model of this exporter can be.
 */
export function readKerasTopology(modelTopology: unknown): KerasTopology {
  const topology = record(modelTopology, 'modelTopology');
  const model = record(topology.model_config ?? topology, 'modelTopology.model_config');
  const className = String(model.class_name);
  if (className !== 'Model' && className !== 'Functional') {
    throw new Error(
      `model.json holds a ${className} model; only functional Keras models (class Model) can be exported to TFLite`,
    );
  }
  const config = record(model.config, 'modelTopology.config');
  if (!Array.isArray(config.layers)) throw new Error('model.json: modelTopology.config.layers is not a list');
  const layers = config.layers.map((raw, index) => readLayer(raw, index));
  const byName = new Map<string, KerasLayer>();
  for (const layer of layers) {
    if (byName.has(layer.name)) throw new Error(`model.json: two layers are named "${layer.name}"`);
    byName.set(layer.name, layer);
  }
  const readers = new Map(layers.map((layer) => [layer.name, 0]));
  for (const layer of layers) {
    for (const input of layer.inputs) {
      if (!byName.has(input)) throw layerError(layer, `reads layer "${input}", which model.json does not define`);
      readers.set(input, readers.get(input)! + 1);
    }
  }
  const input = onlyEndpoint(config.input_layers, 'input');
  const output = onlyEndpoint(config.output_layers, 'output');
  for (const name of [input, output]) {
    if (!byName.has(name)) throw new Error(`model.json: the model's input or output layer "${name}" is not defined`);
  }
  return { layers: topologicalOrder(layers), input, output, readers };
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`model.json: ${what} is missing or not an object`);
  return value as Record<string, unknown>;
}

function readLayer(raw: unknown, index: number): KerasLayer {
  const layer = record(raw, `layer ${index}`);
  const config = record(layer.config ?? {}, `layer ${index}'s config`);
  const name = String(layer.name ?? config.name ?? `#${index}`);
  const described: KerasLayer = { name, className: String(layer.class_name), config, inputs: [] };
  const nodes = layer.inbound_nodes ?? [];
  if (!Array.isArray(nodes)) throw layerError(described, 'has inbound_nodes in an unknown format');
  if (nodes.length > 1)
    throw layerError(described, `is applied ${nodes.length} times; shared layers cannot be exported`);
  const node: unknown = nodes[0] ?? [];
  if (!Array.isArray(node)) throw layerError(described, 'has inbound_nodes in an unknown format (not TF.js layers)');
  for (const ref of node) {
    // [layer name, node index, tensor index, kwargs]
    if (!Array.isArray(ref) || typeof ref[0] !== 'string')
      throw layerError(described, 'has an inbound node in an unknown format');
    if ((ref[1] ?? 0) !== 0 || (ref[2] ?? 0) !== 0)
      throw layerError(
        described,
        `reads output ${ref[1]}:${ref[2]} of "${ref[0]}"; only single-output layers applied once are supported`,
      );
    described.inputs.push(ref[0]);
  }
  return described;
}

function onlyEndpoint(value: unknown, what: 'input' | 'output'): string {
  const endpoints = Array.isArray(value) ? value : [];
  const names = endpoints.map((endpoint) => (Array.isArray(endpoint) ? String(endpoint[0]) : String(endpoint)));
  if (names.length !== 1) {
    throw new Error(
      `The model has ${names.length} ${what}s (${names.join(', ') || 'none'}); a TFLite export needs exactly one ${what}`,
    );
  }
  return names[0]!;
}

/** Kahn's order, keeping model.json's order among layers that are ready together. */
function topologicalOrder(layers: KerasLayer[]): KerasLayer[] {
  const done = new Set<string>();
  const ordered: KerasLayer[] = [];
  let pending = layers;
  while (pending.length > 0) {
    const ready = pending.filter((layer) => layer.inputs.every((input) => done.has(input)));
    if (ready.length === 0)
      throw new Error(`model.json: layers ${pending.map((layer) => `"${layer.name}"`).join(', ')} form a cycle`);
    for (const layer of ready) {
      ordered.push(layer);
      done.add(layer.name);
    }
    pending = pending.filter((layer) => !done.has(layer.name));
  }
  return ordered;
}
