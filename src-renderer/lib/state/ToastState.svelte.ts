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
    this.toasts = [...this.toasts, { id, kind, message }];
    if (kind !== 'error') setTimeout(() => this.dismiss(id), 5000);
  }

  error(error: unknown): void {
    this.show('error', error instanceof Error ? error.message : String(error));
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((toast) => toast.id !== id);
  }
}
