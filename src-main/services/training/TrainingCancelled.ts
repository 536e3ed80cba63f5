/** A run stopped on request (the user, or its sweep); it resumes from its last checkpoint. */
export class TrainingCancelled extends Error {
  constructor() {
    super('Training was cancelled; it can be resumed from its last checkpoint.');
  }
}
