import type { ClipFeatures } from '../../../src-shared/contract/FeatureService.ts';
import type { ServiceTable } from '../../../src-shared/contract/ServiceTable.ts';
import type { FeatureCacheStatus } from '../../../src-shared/model/FeatureCacheStatus.ts';
import type { FeaturePreset, FeatureSpec } from '../../../src-shared/model/FeatureSpec.ts';
import type { ToastState } from './ToastState.svelte.ts';

const LIBRARY_PRESET_KEY = 'kws-studio.libraryFeaturePreset';

/** Feature presets, the spec the Library's clip view draws, the inspector's two specs, cache status. */
export class FeatureState {
  presets = $state<FeaturePreset[]>([]);
  libraryPresetId = $state(readStored(LIBRARY_PRESET_KEY) ?? 'log-mel-40');
  /** The inspector's left and right specs, edited in place. */
  specs = $state<[FeatureSpec, FeatureSpec] | null>(null);
  cache = $state<FeatureCacheStatus | null>(null);

  libraryPreset = $derived(this.presets.find((preset) => preset.id === this.libraryPresetId) ?? this.presets[0]);

  constructor(
    private readonly services: ServiceTable,
    private readonly toasts: ToastState,
  ) {}

  async load(): Promise<void> {
    if (this.presets.length) return;
    try {
      this.presets = await this.services.features.presets();
      const byId = (id: string) =>
        $state.snapshot((this.presets.find((preset) => preset.id === id) ?? this.presets[0]!).spec) as FeatureSpec;
      this.specs ??= [byId('log-mel-40'), byId('hello-edge-ds-cnn')];
    } catch (error) {
      this.toasts.error(error);
    }
  }

  chooseLibraryPreset(id: string): void {
    this.libraryPresetId = id;
    try {
      localStorage.setItem(LIBRARY_PRESET_KEY, id);
    } catch {
      // Storage may be unavailable; the choice then lasts for this session.
    }
  }

  async compute(clipId: number, spec: FeatureSpec, fresh = false): Promise<ClipFeatures> {
    const features = await this.services.features.clipFeatures({
      clipId,
      spec: $state.snapshot(spec) as FeatureSpec,
      fresh,
    });
    void this.refreshCache();
    return features;
  }

  async refreshCache(): Promise<void> {
    try {
      this.cache = await this.services.features.cacheStatus();
    } catch {
      // Shown as unknown; the feature request itself reports real errors.
    }
  }

  async clearCache(): Promise<void> {
    try {
      this.cache = await this.services.features.clearCache();
      this.toasts.show('info', 'Feature cache cleared.');
    } catch (error) {
      this.toasts.error(error);
    }
  }
}

function readStored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
