export type ToastKind = 'info' | 'success' | 'error';

export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
}

/** Transient messages: errors stay until dismissed, the rest fade after a few seconds. */
export class ToastState {
  toasts = $state<Toast[]>([]);
  private nextId = 1;

  show(kind: ToastKind, message: string): void {
    const id = this.nextId++;
    // A labeling session fires many confirmations: keep the newest few, and every error.
    const kept = this.toasts.filter((toast) => toast.kind === 'error').slice(-3);
    const recent = this.toasts.filter((toast) => toast.kind !== 'error').slice(-2);
    this.toasts = [...kept, ...recent, { id, kind, message }].sort((a, b) => a.id - b.id);
    if (kind !== 'error') setTimeout(() => this.dismiss(id), 5000);
  }

  error(error: unknown): void {
    this.show('error', error instanceof Error ? error.message : String(error));
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((toast) => toast.id !== id);
  }
}
