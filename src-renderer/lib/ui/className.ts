/** Readable class names: the two special classes in words. */
export function className(name: string): string {
  return name === '_unknown_' ? 'unknown' : name === '_silence_' ? 'silence' : name;
}
