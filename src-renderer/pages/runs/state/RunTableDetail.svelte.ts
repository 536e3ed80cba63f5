import type { ServiceTable } from '../../../../src-shared/contract/ServiceTable.ts';
import type { RunDetail } from '../../../../src-shared/model/Run.ts';
import { LatestRequest } from '../../../lib/state/LatestRequest.ts';
import type { ToastState } from '../../../lib/state/ToastState.svelte.ts';

/** The run open in the side panel beside the table, and its detail (spec, curves, summary) once read. */
export class RunTableDetail {
  runId = $state<string | null>(null);
  /** The open run's detail; null while it loads. */
  run = $state<RunDetail | null>(null);
  private readonly requests = new LatestRequest();

  constructor(
    private readonly services: ServiceTable,
    private readonly toasts: ToastState,
  ) {}

  open(runId: string): void {
    if (this.runId === runId) return;
    this.runId = runId;
    this.run = null;
    void this.load();
  }

  close(): void {
    this.runId = null;
    this.run = null;
  }

  /** Closes the panel when it shows one of these runs (they left the table). */
  closeIfAmong(runIds: readonly string[]): void {
    if (this.runId && runIds.includes(this.runId)) this.close();
  }

  /** Reads the open run's detail again (it changed, or the page came back); a newer read wins. */
  async load(): Promise<void> {
    const runId = this.runId;
    if (!runId) return;
    const request = this.requests.next();
    try {
      const detail = await this.services.runs.getRun({ runId });
      if (!request.stale && runId === this.runId) this.run = detail;
    } catch (error) {
      if (!request.stale) this.toasts.error(error);
    }
  }
}
