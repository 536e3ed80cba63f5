/**
 * Short-time energy and a simple energy-based voice-activity detector: enough to find the word in
 * a one-second clip, trim silence, or propose cut points in a long recording (alignment builds on it).
 */
export interface FrameEnergy {
  /** RMS level of each frame in dBFS (full scale sine ≈ −3 dB); −120 for digital silence. */
  db: Float32Array;
  frameSamples: number;
  hopSamples: number;
}

export function frameEnergy(samples: Float32Array, sampleRate: number, frameMs = 20, hopMs = 10): FrameEnergy {
  const frameSamples = Math.max(1, Math.round((frameMs * sampleRate) / 1000));
  const hopSamples = Math.max(1, Math.round((hopMs * sampleRate) / 1000));
  const frames =
    samples.length < frameSamples
      ? samples.length
        ? 1
        : 0
      : 1 + Math.floor((samples.length - frameSamples) / hopSamples);
  const db = new Float32Array(frames);
  for (let f = 0; f < frames; f++) {
    const start = f * hopSamples;
    const end = Math.min(samples.length, start + frameSamples);
    let sum = 0;
    for (let n = start; n < end; n++) sum += samples[n]! * samples[n]!;
    db[f] = Math.max(-120, 10 * Math.log10(sum / (end - start) + 1e-12));
  }
  return { db, frameSamples, hopSamples };
}

export interface VoiceActivityOptions {
  frameMs?: number;
  hopMs?: number;
  /** A frame is active when it is this many dB above the noise floor (the 10th percentile level). */
  marginDb?: number;
  /** …and above this absolute level, so a clip of pure hiss is not all "voice". */
  minLevelDb?: number;
  /** Gaps shorter than this between active runs are bridged (stops inside a word). */
  bridgeMs?: number;
  /** Active runs shorter than this are dropped (clicks). */
  minActiveMs?: number;
}

export interface VoiceSegment {
  startMs: number;
  endMs: number;
}

export function detectVoiceActivity(
  samples: Float32Array,
  sampleRate: number,
  options: VoiceActivityOptions = {},
): VoiceSegment[] {
  const { frameMs = 20, hopMs = 10, marginDb = 12, minLevelDb = -50, bridgeMs = 150, minActiveMs = 40 } = options;
  const { db, frameSamples, hopSamples } = frameEnergy(samples, sampleRate, frameMs, hopMs);
  if (db.length === 0) return [];
  const sorted = Float32Array.from(db).sort();
  const floor = sorted[Math.floor(0.1 * (sorted.length - 1))]!;
  const threshold = Math.max(floor + marginDb, minLevelDb);
  const msPerHop = (hopSamples / sampleRate) * 1000;
  const frameEndMs = (f: number) => ((f * hopSamples + frameSamples) / sampleRate) * 1000;

  const runs: [number, number][] = [];
  for (let f = 0; f < db.length; f++) {
    if (db[f]! < threshold) continue;
    const last = runs.at(-1);
    if (last && (f - last[1] - 1) * msPerHop < bridgeMs) last[1] = f;
    else runs.push([f, f]);
  }
  return runs
    .map(([first, last]) => ({
      startMs: first * msPerHop,
      endMs: Math.min(frameEndMs(last), (samples.length / sampleRate) * 1000),
    }))
    .filter((segment) => segment.endMs - segment.startMs >= minActiveMs);
}
