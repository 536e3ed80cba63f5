import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProjectLayout } from './projectLayout.ts';

/**
 * An import's copies wait in audio/.incoming under a name that says whose they are
 * (`<hash>.<ext>.<pid>@<host>.tmp`) until their rows commit, then move to their place in the store.
 * So a crash leaves neither a store file without a row (a copy is only in place once its row is)
 * nor a temporary file nobody can account for: the next open finishes or removes each one whose
 * writer is gone (see cleanProjectDebris).
 */
const INCOMING_NAME = /^([0-9a-f]{64})\.([a-z0-9]{1,8})\.(\d+)@([A-Za-z0-9._-]+)\.tmp$/;

/** Copies this process is writing or holding for a batch that has not committed yet. */
const inFlight = new Set<string>();

export interface IncomingFile {
  hash: string;
  ext: string;
  pid: number;
  host: string;
}

export function incomingPath(layout: ProjectLayout, hash: string, ext: string): string {
  return path.join(layout.incoming, `${hash}.${ext}.${process.pid}@${hostTag()}.tmp`);
}

export function parseIncoming(name: string): IncomingFile | null {
  const match = INCOMING_NAME.exec(name);
  return match ? { hash: match[1]!, ext: match[2]!, pid: Number(match[3]), host: match[4]! } : null;
}

/** True when this process wrote `file` and has not finished with it. */
export function isInFlightHere(file: string): boolean {
  return inFlight.has(file);
}

/**
 * Writes a copy aside, and makes the folder it will move to, so the move after the commit needs no
 * new space. A failed write (a full disk) leaves no partial file behind.
 */
export function writeIncoming(file: string, target: string, bytes: Uint8Array): void {
  inFlight.add(file);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(file, bytes);
  } catch (error) {
    discardIncoming(file);
    throw error;
  }
}

/** Moves a copy whose row has committed to its place in the store. */
export function placeIncoming(file: string, target: string): void {
  try {
    fs.renameSync(file, target);
  } finally {
    // Placed, or left for the next open to place (its row exists): no longer this import's to handle.
    inFlight.delete(file);
  }
}

/** Removes a copy whose rows will not be written. */
export function discardIncoming(file: string): void {
  inFlight.delete(file);
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // The next open removes it.
  }
}

/** Removes audio/.incoming once no copy waits there (another import's copies keep it). */
export function removeIncomingIfEmpty(layout: ProjectLayout): void {
  try {
    fs.rmdirSync(layout.incoming);
  } catch {
    // Not empty, or not there.
  }
}

/** The host part of the name: the host name as a file name may hold it. */
export function hostTag(host = os.hostname()): string {
  return host.replace(/[^A-Za-z0-9._-]/g, '_') || 'host';
}
