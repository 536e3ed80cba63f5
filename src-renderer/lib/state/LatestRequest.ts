/** One request of a `LatestRequest`: stale once a newer request started, or the requests were cancelled. */
export interface RequestTicket {
  readonly stale: boolean;
}

/** What `LatestRequest.run` resolves to: the reply, or word that a newer request made it moot. */
export type LatestReply<T> = { stale: true } | { stale: false; value: T };

/**
 * Guards state against an older reply overwriting a newer one: a search typed on, a run switched
 * while its detail loads. Each `next()` supersedes every earlier request; after an await, a stale
 * ticket means the reply must be dropped.
 *
 * ```ts
 * const ticket = this.detailRequest.next();
 * const detail = await services.runs.getRun({ runId });
 * if (ticket.stale) return;
 * ```
 */
export class LatestRequest {
  #newest = 0;

  /** Starts a request, superseding every earlier one. */
  next(): RequestTicket {
    return this.#ticket(++this.#newest);
  }

  /** The newest request's ticket, without superseding it: for follow-up calls that belong to it (more pages of one query). */
  current(): RequestTicket {
    return this.#ticket(this.#newest);
  }

  /** Makes every request in flight stale, without starting a new one (the view they were for is closed). */
  cancel(): void {
    this.#newest++;
  }

  /**
   * Runs `call` as the newest request. A superseded call resolves to `{ stale: true }`, whether it
   * succeeded or failed, so its error is not reported over the newer request's result; the newest
   * call's error is thrown.
   */
  async run<T>(call: () => Promise<T>): Promise<LatestReply<T>> {
    const ticket = this.next();
    try {
      const value = await call();
      return ticket.stale ? { stale: true } : { stale: false, value };
    } catch (error) {
      if (ticket.stale) return { stale: true };
      throw error;
    }
  }

  #ticket(id: number): RequestTicket {
    // A getter, so a ticket read after an await sees the requests started meanwhile.
    const isStale = () => id !== this.#newest;
    return {
      get stale() {
        return isStale();
      },
    };
  }
}
