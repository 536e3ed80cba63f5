import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './repoRoot.ts';

const file = path.join(repoRoot, 'docs', 'benchmarks.md');

/**
 * Replaces this benchmark's section of docs/benchmarks.md (between its markers) with the latest
 * results, the machine they came from and the command that reproduces them.
 */
export function recordBenchmark(name: string, command: string, markdown: string): void {
  const begin = `<!-- bench:${name}:begin -->`;
  const end = `<!-- bench:${name}:end -->`;
  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}`;
  const section = `${begin}\nRun ${new Date().toISOString().slice(0, 10)} on ${machine}. Reproduce with \`${command}\`.\n\n${markdown.trim()}\n${end}`;
  let text = fs.existsSync(file)
    ? fs.readFileSync(file, 'utf8')
    : '# Benchmarks\n\nEvery number here comes from `npm run bench` and is a ratio against a peer measured in the same run.\n';
  const at = text.indexOf(begin);
  if (at >= 0) text = text.slice(0, at) + section + text.slice(text.indexOf(end) + end.length);
  else text = `${text.trimEnd()}\n\n## ${name}\n\n${section}\n`;
  fs.writeFileSync(file, text);
}
