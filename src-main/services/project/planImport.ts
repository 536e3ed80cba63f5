import fs from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import type { ImportCandidate, ImportLayout } from '../../../src-shared/model/ImportPlan.ts';
import type { RejectedFile } from '../../../src-shared/model/ImportReport.ts';
import { compileFileNamePattern, speakerFromNohash } from '../../../src-shared/model/fileNamePattern.ts';
import { isSupportedAudioName } from '../audio/decodeAudio.ts';
import { validateLabelName } from '../library/labelName.ts';

export interface ImportPlan {
  root: string;
  candidates: ImportCandidate[];
  rejected: RejectedFile[];
}

const NOISE_FOLDER = '_background_noise_';
const MAX_FILES = 2_000_000;

const manifestRow = z.object({
  path: z.string().trim().min(1, 'path is empty'),
  label: z.string().trim().max(64).optional(),
  speaker: z.string().trim().max(200).optional(),
  split: z.enum(['train', 'validation', 'test']).optional(),
});

/**
 * Works out which files an import takes and how each is labelled — from the folder layout, a
 * file-name pattern or a manifest — without reading any audio, so the same plan drives the live
 * preview and the import itself.
 */
export function planImport(source: string, layout: ImportLayout): ImportPlan {
  const root = path.resolve(source);
  const plan =
    layout.kind === 'manifest'
      ? planFromManifest(root, path.resolve(root, layout.manifest))
      : planFromFolder(root, layout);
  return withValidLabels(plan);
}

/** A label that could not be stored (reserved, too long, a control character) rejects its file, with the reason. */
function withValidLabels(plan: ImportPlan): ImportPlan {
  const candidates: ImportCandidate[] = [];
  for (const candidate of plan.candidates) {
    if (candidate.label === undefined) {
      candidates.push(candidate);
      continue;
    }
    try {
      candidates.push({ ...candidate, label: validateLabelName(candidate.label, 'The label') });
    } catch (error) {
      plan.rejected.push({ path: candidate.relative, reason: (error as Error).message });
    }
  }
  return { ...plan, candidates };
}

function planFromFolder(root: string, layout: Exclude<ImportLayout, { kind: 'manifest' }>): ImportPlan {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch {
    throw new StudioError('not_found', `${root} does not exist.`);
  }
  if (!stat.isDirectory()) throw new StudioError('invalid_input', `${root} is not a folder.`);

  let matcher: ReturnType<typeof compileFileNamePattern> | undefined;
  if (layout.kind === 'pattern') {
    try {
      matcher = compileFileNamePattern(layout.pattern);
    } catch (error) {
      throw new StudioError('invalid_input', `Pattern "${layout.pattern}": ${(error as Error).message}.`);
    }
  }

  const candidates: ImportCandidate[] = [];
  const rejected: RejectedFile[] = [];
  for (const file of listFiles(root)) {
    const relative = path.relative(root, file);
    if (!isSupportedAudioName(file)) {
      rejected.push({
        path: relative,
        reason: `not an audio file (${path.extname(file) || 'no extension'}); WAV, FLAC, MP3 and Ogg are imported`,
      });
      continue;
    }
    const parent = path.basename(path.dirname(file));
    if (parent === NOISE_FOLDER) {
      candidates.push({ path: file, relative, kind: 'noise' });
    } else if (matcher) {
      const match = matcher(path.basename(file));
      if (match) candidates.push({ path: file, relative, kind: 'sample', ...match });
      else
        rejected.push({
          path: relative,
          reason: `name does not match the pattern ${(layout as { pattern: string }).pattern}`,
        });
    } else if (path.dirname(file) === root) {
      rejected.push({ path: relative, reason: 'not inside a label folder (use a file-name pattern for flat folders)' });
    } else {
      candidates.push({
        path: file,
        relative,
        kind: 'sample',
        label: parent,
        ...speakerFromNohash(path.basename(file)),
      });
    }
  }
  return { root, candidates, rejected };
}

/** CSV (with a header row) or JSON (an array of objects): path, label, optional speaker and split. */
function planFromManifest(root: string, manifest: string): ImportPlan {
  let text: string;
  try {
    text = fs.readFileSync(manifest, 'utf8');
  } catch {
    throw new StudioError('not_found', `The manifest ${manifest} does not exist or cannot be read.`);
  }
  let rows: unknown[];
  try {
    if (/\.json$/i.test(manifest) || /^\s*[[{]/.test(text)) {
      const parsed: unknown = JSON.parse(text);
      rows = Array.isArray(parsed) ? parsed : ((parsed as { clips?: unknown[] }).clips ?? []);
    } else {
      rows = parseCsv(text, {
        columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
        skip_empty_lines: true,
        trim: true,
        bom: true,
      });
    }
  } catch (error) {
    throw new StudioError(
      'invalid_input',
      `The manifest ${path.basename(manifest)} is not valid CSV or JSON: ${(error as Error).message}`,
    );
  }
  if (rows.length === 0)
    throw new StudioError(
      'invalid_input',
      `The manifest ${path.basename(manifest)} lists no files (it needs a "path" column).`,
    );

  const base = path.dirname(manifest);
  const candidates: ImportCandidate[] = [];
  const rejected: RejectedFile[] = [];
  rows.forEach((raw, index) => {
    const row = manifestRow.safeParse(normaliseRow(raw));
    const where = `manifest row ${index + 2}`;
    if (!row.success) {
      rejected.push({
        path: where,
        reason: row.error.issues.map((issue) => `${issue.path.join('.') || 'row'}: ${issue.message}`).join('; '),
      });
      return;
    }
    const file = path.resolve(base, row.data.path);
    const relative = path.relative(root, file).startsWith('..') ? row.data.path : path.relative(root, file);
    if (!isSupportedAudioName(file))
      rejected.push({ path: relative, reason: `not an audio file (${path.extname(file) || 'no extension'})` });
    else if (!fs.existsSync(file))
      rejected.push({
        path: relative,
        reason: `listed in the manifest (${where}) but not found at ${file} (relative paths are read from the manifest's folder)`,
      });
    else {
      const noise = row.data.label === NOISE_FOLDER;
      candidates.push({
        path: file,
        relative,
        kind: noise ? 'noise' : 'sample',
        label: noise || !row.data.label ? undefined : row.data.label,
        speaker: row.data.speaker || undefined,
        split: row.data.split,
      });
    }
  });
  if (candidates.length + rejected.length > MAX_FILES)
    throw new StudioError('invalid_input', `The manifest lists more than ${MAX_FILES} files.`);
  return { root, candidates, rejected };
}

/** Manifests written by hand use empty cells and any capitalisation: drop empties, lower-case splits. */
function normaliseRow(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === '' || value === null || value === undefined) continue;
    row[key.trim().toLowerCase()] =
      typeof value === 'string' && key.trim().toLowerCase() === 'split' ? value.trim().toLowerCase() : value;
  }
  return row;
}

function listFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.push(full);
      if (files.length > MAX_FILES)
        throw new StudioError('invalid_input', `${root} holds more than ${MAX_FILES} files; import it in parts.`);
    }
  };
  walk(root);
  return files;
}
