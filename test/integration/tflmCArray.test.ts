import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTflite } from '../../src-main/services/export/tflite/writeTflite.ts';
import { opResolverSnippet, tflmResolverMethods } from '../../src-main/services/export/tflm/opResolverSnippet.ts';
import { writeCArray } from '../../src-main/services/export/tflm/writeCArray.ts';
import type { DeployGraph } from '../../src-main/services/optimize/graph/DeployGraph.ts';
import { tempDir } from '../support/tempDir.ts';

/** The machine's C++ compiler, or null (then the compile tests skip, naming the package to install). */
const compiler = ['c++', 'g++'].find((name) => spawnSync(name, ['--version']).status === 0) ?? null;
const noCompiler = 'skipped: no C++ compiler (c++ or g++); install the Debian package g++';

/** Bytes that begin like a .tflite flatbuffer (root offset, then "TFL3"), the rest from a seeded generator. */
function flatbufferLikeBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  bytes.set([0x1c, 0x00, 0x00, 0x00], 0);
  bytes.set(Buffer.from('TFL3', 'ascii'), 4);
  return bytes;
}

/** A real .tflite file from the studio's writer: a float conv → mean → dense → softmax model. */
function smallTflite(): Uint8Array {
  const values = (n: number, scale: number): Float32Array =>
    Float32Array.from({ length: n }, (_, i) => ((i % 7) - 3) * scale);
  const graph: DeployGraph = {
    tensors: [
      [1, 4, 4, 1],
      [1, 4, 4, 2],
      [1, 2],
      [1, 3],
      [1, 3],
    ].map((shape, id) => ({ id, name: `t${id}`, shape })),
    ops: [
      {
        kind: 'conv2d',
        layer: 'conv',
        input: 0,
        output: 1,
        filter: values(18, 0.1),
        filterShape: [2, 3, 3, 1],
        bias: values(2, 0.01),
        stride: [1, 1],
        padding: 'same',
        activation: 'relu',
      },
      { kind: 'mean', layer: 'pool', input: 1, output: 2 },
      {
        kind: 'fully_connected',
        layer: 'dense',
        input: 2,
        output: 3,
        weights: values(6, 0.2),
        weightsShape: [3, 2],
        bias: values(3, 0.01),
        activation: 'none',
      },
      { kind: 'softmax', layer: 'softmax', input: 3, output: 4 },
    ],
    input: 0,
    logits: 3,
    output: 4,
  };
  return writeTflite(graph, { io: 'float32' });
}

/** FNV-1a, 32 bits: the test main computes the same over the compiled array. */
function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

function run(command: string, args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const mainCc = (length: number, checksum: number): string => `#include <cstdint>
#include <cstdio>
#include <cstring>
#include "model_data.h"

int main() {
  if (g_kws_model_len != ${length}u) { std::printf("length %u\\n", g_kws_model_len); return 2; }
  if (reinterpret_cast<std::uintptr_t>(g_kws_model) % 16 != 0) { std::printf("misaligned\\n"); return 3; }
  if (std::memcmp(g_kws_model + 4, "TFL3", 4) != 0) { std::printf("no TFL3 identifier\\n"); return 4; }
  std::uint32_t hash = 0x811c9dc5u;
  for (unsigned int i = 0; i < g_kws_model_len; i++) hash = (hash ^ g_kws_model[i]) * 0x01000193u;
  if (hash != ${checksum}u) { std::printf("checksum %u\\n", hash); return 5; }
  std::printf("ok %u %u\\n", g_kws_model_len, hash);
  return 0;
}
`;

/**
 * A stand-in for TFLite Micro's MicroMutableOpResolver with the same template parameter and Add…
 * names (there is no TFLM on this machine): a misspelt call fails to compile, and like the real one
 * it refuses more ops than its size or the same op twice.
 */
const stubResolverH = `#ifndef STUB_MICRO_MUTABLE_OP_RESOLVER_H_
#define STUB_MICRO_MUTABLE_OP_RESOLVER_H_
#include <cstring>
typedef enum { kTfLiteOk = 0, kTfLiteError = 1 } TfLiteStatus;
namespace tflite {
template <unsigned int tOpCount>
class MicroMutableOpResolver {
 public:
${Object.entries(tflmResolverMethods)
  .map(([op, method]) => `  TfLiteStatus ${method}() { return Add("${op}"); }`)
  .join('\n')}
  unsigned int size() const { return count_; }
  const char* name(unsigned int i) const { return names_[i]; }
 private:
  TfLiteStatus Add(const char* op) {
    if (count_ >= tOpCount) return kTfLiteError;
    for (unsigned int i = 0; i < count_; i++) if (std::strcmp(names_[i], op) == 0) return kTfLiteError;
    names_[count_++] = op;
    return kTfLiteOk;
  }
  const char* names_[tOpCount] = {};
  unsigned int count_ = 0;
};
}  // namespace tflite
#endif
`;

const opsMainCc = `#include <cstdio>
#include "model_ops.h"

int main() {
  static KwsOpResolver op_resolver;
  if (RegisterKwsOps(op_resolver) != kTfLiteOk) { std::printf("registration failed\\n"); return 2; }
  for (unsigned int i = 0; i < op_resolver.size(); i++) std::printf("%s\\n", op_resolver.name(i));
  return 0;
}
`;

describe('the TFLite Micro C array', () => {
  it('writes model_data.cc and model_data.h with the bytes, the length and the comments', () => {
    const bytes = flatbufferLikeBytes(25, 7);
    const { source, header } = writeCArray(bytes, {
      name: 'g_kws_model',
      header: 'model_data.h',
      about: {
        runId: 'run-20250101-120000-abc123',
        labels: ['_silence_', '_unknown_', 'yes', 'ends in a backslash \\'],
        input: '[1, 49, 10, 1] int8, scale 0.0392, zero point -128',
        ops: ['CONV_2D', 'SOFTMAX'],
        arena: '24,576 bytes, an estimate',
        notes: ['two\nlines'],
      },
    });
    expect(source).toContain('#include "model_data.h"');
    expect(source).toContain('alignas(16) const unsigned char g_kws_model[] = {');
    expect(source).toContain('const unsigned int g_kws_model_len = 25;');
    // 12 bytes a line: 25 bytes make lines of 12, 12 and 1.
    const rows = source.split('\n').filter((line) => line.startsWith('  0x'));
    expect(rows.map((row) => row.split(',').length - 1)).toEqual([12, 12, 1]);
    expect(rows[0]!.startsWith('  0x1c, 0x00, 0x00, 0x00, 0x54, 0x46, 0x4c, 0x33, ')).toBe(true);

    expect(header).toContain('#ifndef MODEL_DATA_H_\n#define MODEL_DATA_H_');
    expect(header).toContain('extern const unsigned char g_kws_model[];\nextern const unsigned int g_kws_model_len;');
    expect(header).toContain('// Run: run-20250101-120000-abc123');
    expect(header).toContain('//   0: _silence_\n//   1: _unknown_\n//   2: yes\n');
    expect(header).toContain('// Input: [1, 49, 10, 1] int8, scale 0.0392, zero point -128');
    expect(header).toContain('// Ops to register: CONV_2D, SOFTMAX');
    expect(header).toContain('// Tensor arena: 24,576 bytes, an estimate');
    expect(header).toContain('// two\n// lines');
    expect(header).toContain('//   3: ends in a backslash \\ (end)\n');
    // No comment line may end in a backslash: it would splice the next line into the comment.
    expect(header.split('\n').filter((line) => line.endsWith('\\'))).toEqual([]);
  });

  it.skipIf(compiler === null)(
    compiler === null ? noCompiler : 'compiles with the C++ compiler, 16-byte aligned, with the same bytes',
    () => {
      const dir = tempDir('kws-tflm-');
      const bytes = smallTflite();
      expect(Buffer.from(bytes.subarray(4, 8)).toString('latin1')).toBe('TFL3');
      const { source, header } = writeCArray(bytes, {
        name: 'g_kws_model',
        header: 'model_data.h',
        about: {
          runId: 'run-test',
          labels: ['yes', 'no', 'up'],
          ops: ['CONV_2D', 'MEAN', 'FULLY_CONNECTED', 'SOFTMAX'],
        },
      });
      fs.writeFileSync(path.join(dir, 'model_data.cc'), source);
      fs.writeFileSync(path.join(dir, 'model_data.h'), header);
      fs.writeFileSync(path.join(dir, 'main.cc'), mainCc(bytes.length, fnv1a(bytes)));
      const flags = ['-std=c++11', '-Wall', '-Wextra', '-pedantic', '-Werror'];

      const built = run(compiler!, [...flags, '-o', 'check', 'main.cc', 'model_data.cc'], dir);
      expect(built.output).toBe('');
      expect(built.status).toBe(0);
      const ran = run(path.join(dir, 'check'), [], dir);
      expect(ran.output).toBe(`ok ${bytes.length} ${fnv1a(bytes)}\n`);
      expect(ran.status).toBe(0);

      // x86-64 aligns every array of 16 bytes or more anyway, so the run above cannot catch a missing
      // alignas: ask the compiler for the declared alignment of the definition itself.
      const alignmentCheck =
        '#include "model_data.cc"\nstatic_assert(__alignof__(g_kws_model) == 16, "alignas(16)");\n';
      fs.writeFileSync(path.join(dir, 'alignment.cc'), alignmentCheck);
      expect(run(compiler!, [...flags, '-fsyntax-only', 'alignment.cc'], dir)).toEqual({ status: 0, output: '' });
      fs.writeFileSync(path.join(dir, 'model_data.cc'), source.replace('alignas(16) ', ''));
      expect(run(compiler!, [...flags, '-fsyntax-only', 'alignment.cc'], dir).status).not.toBe(0);
    },
  );

  it('writes a 1 MB model in one pass, without quadratic concatenation', () => {
    const bytes = flatbufferLikeBytes(1 << 20, 3);
    const started = performance.now();
    const { source } = writeCArray(bytes, { name: 'g_kws_model', header: 'model_data.h' });
    const ms = performance.now() - started;
    console.log(`writeCArray: 1 MiB in ${ms.toFixed(0)} ms, ${(source.length / 1e6).toFixed(1)} MB of C`);
    expect(source.split('\n').filter((line) => line.startsWith('  0x'))).toHaveLength(Math.ceil((1 << 20) / 12));
    expect(ms).toBeLessThan(1500); // ~50 ms on an idle core; generous for a shared, busy machine
  });

  it('refuses names that are not C identifiers, header names it cannot include, and an empty model', () => {
    const bytes = flatbufferLikeBytes(16, 1);
    for (const [name, reason] of [
      ['2model', 'not starting with a digit'],
      ['kws-model', 'use only letters, digits'],
      ['g kws', 'use only letters, digits'],
      ['', 'use only letters, digits'],
      ['int', 'keyword'],
      ['_Model', 'reserved'],
      ['g__model', 'reserved'],
    ] as const) {
      expect(() => writeCArray(bytes, { name, header: 'model_data.h' })).toThrow(
        new RegExp(`The C array name "${name}" is not a C identifier: .*${reason}`),
      );
    }
    for (const header of ['model data.h', 'model_data.cc', '/abs/model_data.h', '"x.h', '']) {
      expect(() => writeCArray(bytes, { name: 'g_kws_model', header })).toThrow(/cannot be included/);
    }
    expect(() => writeCArray(new Uint8Array(0), { name: 'g_kws_model', header: 'model_data.h' })).toThrow(
      /g_kws_model is empty \(0 bytes\)/,
    );
  });
});

describe('the TFLite Micro op resolver', () => {
  const allOps = Object.keys(tflmResolverMethods);

  it('declares a resolver sized to the distinct ops and one Add… call per op', () => {
    const text = opResolverSnippet(['CONV_2D', 'DEPTHWISE_CONV_2D', 'CONV_2D', 'SOFTMAX']);
    expect(text).toContain('#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"');
    expect(text).toContain('using KwsOpResolver = tflite::MicroMutableOpResolver<3>;');
    expect(text.match(/op_resolver\.Add\w+\(\)/g)).toEqual([
      'op_resolver.AddConv2D()',
      'op_resolver.AddDepthwiseConv2D()',
      'op_resolver.AddSoftmax()',
    ]);
  });

  it('refuses an op it does not know, naming it, and an empty op list', () => {
    expect(() => opResolverSnippet(['CONV_2D', 'LSTM', 'GELU'])).toThrow(
      /No TFLite Micro op resolver call is known for "LSTM", "GELU"; known ops: CONV_2D, /,
    );
    expect(() => opResolverSnippet([])).toThrow(/no ops/);
  });

  it.skipIf(compiler === null)(
    compiler === null ? noCompiler : 'compiles against a stub MicroMutableOpResolver and registers every op',
    () => {
      const dir = tempDir('kws-tflm-ops-');
      fs.mkdirSync(path.join(dir, 'tensorflow/lite/micro'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'tensorflow/lite/micro/micro_mutable_op_resolver.h'), stubResolverH);
      fs.writeFileSync(path.join(dir, 'main.cc'), opsMainCc);
      const flags = ['-std=c++11', '-Wall', '-Wextra', '-Werror', '-I', '.'];
      const build = (ops: string[]): { status: number | null; output: string } => {
        fs.writeFileSync(path.join(dir, 'model_ops.h'), opResolverSnippet(ops));
        return run(compiler!, [...flags, '-o', 'ops', 'main.cc'], dir);
      };

      expect(build(allOps)).toEqual({ status: 0, output: '' });
      expect(run(path.join(dir, 'ops'), [], dir)).toEqual({ status: 0, output: `${allOps.join('\n')}\n` });

      // The stub is strict enough to catch a misspelt method.
      fs.writeFileSync(path.join(dir, 'model_ops.h'), opResolverSnippet(allOps).replace('AddConv2D', 'AddConv2d'));
      const misspelt = run(compiler!, [...flags, '-o', 'ops', 'main.cc'], dir);
      expect(misspelt.status).not.toBe(0);
      expect(misspelt.output).toContain('AddConv2d');
    },
  );
});
