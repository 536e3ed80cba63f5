/** Plays decoded mono samples through one shared AudioContext; starting a clip stops the one before. */
let context: AudioContext | null = null;
let stopCurrent: (() => void) | null = null;

export function playSamples(samples: Float32Array, sampleRate: number, onEnded: () => void): () => void {
  stopCurrent?.();
  context ??= new AudioContext();
  void context.resume();
  const buffer = context.createBuffer(1, samples.length, sampleRate);
  buffer.copyToChannel(new Float32Array(samples), 0);
  const source = context.createBufferSource();
  source.buffer = buffer;
  source.connect(context.destination);
  let ended = false;
  const finish = () => {
    if (ended) return;
    ended = true;
    if (stopCurrent === stop) stopCurrent = null;
    onEnded();
  };
  const stop = () => {
    try {
      source.stop();
    } catch {
      // Already stopped.
    }
    finish();
  };
  source.onended = finish;
  source.start();
  stopCurrent = stop;
  return stop;
}
