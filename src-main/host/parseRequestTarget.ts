/**
 * The request target of an HTTP request as a URL, or undefined when it is not one this server
 * answers. Only the origin form (`/path?query`) is accepted: browsers send nothing else to a server
 * they talk to directly, and the absolute form (`http://host/path`) would let a request name a
 * host other than the Host header the token check looks at. Never throws.
 */
export function parseRequestTarget(target: string | undefined, port: number): URL | undefined {
  if (target === undefined || !target.startsWith('/')) return undefined;
  try {
    // Prefixing the origin keeps "//evil.example/x" a path; as a relative URL it would name a host.
    const url = new URL(`http://127.0.0.1:${port}${target}`);
    return url.host === `127.0.0.1:${port}` ? url : undefined;
  } catch {
    return undefined;
  }
}
