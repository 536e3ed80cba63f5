import type http from 'node:http';

/** A short plain-text answer (an error a person reads); nothing in it can run or be sniffed as markup. */
export function sendPlain(response: http.ServerResponse, status: number, body: string): void {
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-security-policy': "default-src 'none'",
    'x-content-type-options': 'nosniff',
  });
  response.end(body);
}
