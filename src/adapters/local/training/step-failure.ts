// A failure the training job explains itself: its message is the failure reason as it stands,
// whether it was raised in the worker or in the training process.
export class StepFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepFailure';
  }
}
