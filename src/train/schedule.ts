// Learning-rate schedules with warmup, as transformers' get_scheduler defines them.

export type SchedulerType = 'constant' | 'constant_with_warmup' | 'linear' | 'cosine';
export const SCHEDULER_TYPES: readonly SchedulerType[] = ['constant', 'constant_with_warmup', 'linear', 'cosine'];

/** Multiplier of the base learning rate before optimizer step `step` (0-based). */
export function lrLambda(type: SchedulerType, step: number, warmupSteps: number, totalSteps: number): number {
  if (type === 'constant') return 1;
  if (step < warmupSteps) return step / Math.max(1, warmupSteps);
  if (type === 'constant_with_warmup') return 1;
  const progress = (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
  if (type === 'linear') return Math.max(0, 1 - progress);
  return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress))));
}

export function warmupStepsFor(warmupSteps: number, warmupRatio: number, totalSteps: number): number {
  return warmupSteps > 0 ? warmupSteps : Math.ceil(warmupRatio * totalSteps);
}
