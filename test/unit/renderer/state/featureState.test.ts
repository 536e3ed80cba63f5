import { afterEach, describe, expect, it, vi } from 'vitest';
import type {
  ClipFeatures,
  ClipFeaturesInput,
  FeatureService,
} from '../../../../src-shared/contract/FeatureService.ts';
import type { FeatureCacheStatus } from '../../../../src-shared/model/FeatureCacheStatus.ts';
import type { FeaturePreset } from '../../../../src-shared/model/FeatureSpec.ts';
import { FeatureState } from '../../../../src-renderer/lib/state/FeatureState.svelte.ts';
import { ToastState } from '../../../../src-renderer/lib/state/ToastState.svelte.ts';
import { inMemoryServices } from '../../../support/inMemoryServices.ts';
import { memoryStorage } from '../../../support/memoryStorage.ts';
import edgeGoStop from '../../../../resources/presets/features/edge-go-stop.json';
import helloEdge from '../../../../resources/presets/features/hello-edge-ds-cnn.json';
import logMel from '../../../../resources/presets/features/log-mel-40.json';
import speechCommands from '../../../../resources/presets/features/tf-speech-commands.json';

/** The presets the studio ships, fresh copies each time. */
const shippedPresets = (): FeaturePreset[] =>
  structuredClone([edgeGoStop, helloEdge, logMel, speechCommands] as FeaturePreset[]);

const emptyCache: FeatureCacheStatus = {
  entries: 0,
  bytes: 0,
  capBytes: 1e9,
  hits: 0,
  misses: 0,
  hitRate: null,
  corrupt: 0,
  writeFailures: 0,
  lastWriteError: null,
};

/** The feature service in memory: the shipped presets, and a cache that counts what was computed. */
class InMemoryFeatureService implements Partial<FeatureService> {
  cache = { ...emptyCache };
  presetCalls = 0;
  failPresets = false;

  async presets(): Promise<FeaturePreset[]> {
    this.presetCalls++;
    if (this.failPresets) throw new Error('resources/presets/features is missing from this installation.');
    return shippedPresets();
  }

  async clipFeatures(input: ClipFeaturesInput): Promise<ClipFeatures> {
    this.cache = { ...this.cache, entries: this.cache.entries + 1, misses: this.cache.misses + 1 };
    return {
      clipId: input.clipId,
      specHash: 'hash',
      frames: 2,
      bins: 2,
      data: Float32Array.of(1, 2, 3, 4),
      computeMs: 3,
      cached: false,
    };
  }

  async cacheStatus(): Promise<FeatureCacheStatus> {
    return this.cache;
  }

  async clearCache(): Promise<FeatureCacheStatus> {
    this.cache = { ...emptyCache };
    return this.cache;
  }
}

function featureState() {
  const features = new InMemoryFeatureService();
  const server = inMemoryServices({ features });
  const toasts = new ToastState();
  const state = new FeatureState(server.services, toasts);
  const messages = () => toasts.toasts.map((toast) => `${toast.kind}: ${toast.message}`);
  return { state, features, server, messages };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('FeatureState', () => {
  it('loads the presets once and gives the inspector its own copies of two of them', async () => {
    const { state, features } = featureState();
    await state.load();
    await state.load();
    expect(features.presetCalls).toBe(1);
    expect(state.presets.map((preset) => preset.id)).toEqual(shippedPresets().map((preset) => preset.id));
    expect(state.libraryPreset?.id).toBe('log-mel-40');
    const [left, right] = state.specs!;
    expect(left).toEqual(shippedPresets().find((preset) => preset.id === 'log-mel-40')!.spec);
    expect(right).toEqual(shippedPresets().find((preset) => preset.id === 'hello-edge-ds-cnn')!.spec);
    left.windowMs = 40; // edited in the inspector
    expect(state.presets.find((preset) => preset.id === 'log-mel-40')!.spec.windowMs).toBe(25);
  });

  it('reports presets that cannot be read, and tries again on the next load', async () => {
    const { state, features, messages } = featureState();
    features.failPresets = true;
    await state.load();
    expect(messages()).toEqual(['error: resources/presets/features is missing from this installation.']);
    expect(state.specs).toBeNull();
    features.failPresets = false;
    await state.load();
    expect(state.presets).toHaveLength(shippedPresets().length);
  });

  it('remembers the preset the Library draws clips with across launches', async () => {
    const storage = memoryStorage();
    vi.stubGlobal('localStorage', storage);
    const { state } = featureState();
    await state.load();
    state.chooseLibraryPreset('tf-speech-commands');
    expect(state.libraryPreset?.id).toBe('tf-speech-commands');
    expect(storage.entries.get('kws-studio.libraryFeaturePreset')).toBe('tf-speech-commands');
    expect(featureState().state.libraryPresetId).toBe('tf-speech-commands');
  });

  it('computes a clip under the spec as edited, then shows the cache grown; clearing it says so', async () => {
    const { state, server, messages } = featureState();
    await state.load();
    state.specs![0].windowMs = 30;
    const features = await state.compute(7, state.specs![0], true);
    expect(Array.from(features.data)).toEqual([1, 2, 3, 4]);
    expect(server.inputs('features.clipFeatures')).toEqual([{ clipId: 7, spec: { ...state.specs![0] }, fresh: true }]);
    await vi.waitFor(() => expect(state.cache?.entries).toBe(1));
    await state.clearCache();
    expect(state.cache?.entries).toBe(0);
    expect(messages()).toEqual(['info: Feature cache cleared.']);
  });

  it('refuses to compute under a spec the contract rejects, before the service sees it', async () => {
    const { state, features } = featureState();
    await state.load();
    state.specs![0].windowMs = 40; // 640 samples: more than the 512-point FFT
    await expect(state.compute(7, state.specs![0])).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('FFT size 512'),
    });
    expect(features.cache.entries).toBe(0);
  });
});
