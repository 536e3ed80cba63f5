/** C++'s std::round, which TFLite's quantization tools use (Math.round rounds −2.5 to −2). */
export function roundHalfAwayFromZero(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value));
}
