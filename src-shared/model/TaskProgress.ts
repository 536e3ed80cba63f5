export type TaskState = 'running' | 'done' | 'failed' | 'cancelled';

/** Progress of a long task (demo generation, import, …), streamed as events. */
export interface TaskProgress {
  taskId: string;
  title: string;
  state: TaskState;
  done: number;
  total: number;
  message: string;
  /** Whether cancelTask can stop it. */
  cancellable?: boolean;
}
