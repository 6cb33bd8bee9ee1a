/**
 * Logistic regression over named binary features: small, fast to score, and readable, as
 * every weight belongs to a feature a person can name ("c:landmine", "s:ru:мин") and `why`
 * can quote. Trained by full-batch gradient descent with L2 regularisation, deterministic
 * for the same examples, so `treatywatch train` reproduces the committed weights.
 */
export type Features = readonly string[];

export interface LinearModel {
  bias: number;
  weights: Readonly<Record<string, number>>;
}

export interface Example {
  features: Features;
  label: boolean;
  /** How much the example counts; 1 unless a set is to weigh more or less. */
  weight?: number | undefined;
}

export interface TrainOptions {
  /** L2 penalty on the weights (not the bias), per example. */
  l2: number;
  epochs: number;
  learningRate: number;
  /** Weights closer to zero than this are dropped from the model. */
  prune: number;
  /** Features seen in fewer examples than this are left out: one sighting teaches nothing general. */
  minCount?: number | undefined;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = { l2: 0.01, epochs: 400, learningRate: 0.5, prune: 0.002 };

export function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}

/** The model's log-odds for a set of features. */
export function logit(model: LinearModel, features: Features): number {
  let sum = model.bias;
  for (const feature of features) sum += model.weights[feature] ?? 0;
  return sum;
}

export function probability(model: LinearModel, features: Features): number {
  return sigmoid(logit(model, features));
}

/**
 * Fits a model. Features are numbered once, the gradient is exact over all examples each
 * epoch, and the step adapts per feature (Adagrad), so rare features learn as fast as common ones.
 */
export function train(examples: readonly Example[], options: TrainOptions = DEFAULT_TRAIN_OPTIONS): LinearModel {
  const seen = new Map<string, number>();
  for (const example of examples)
    for (const feature of new Set(example.features)) seen.set(feature, (seen.get(feature) ?? 0) + 1);
  const ids = new Map<string, number>();
  const rows = examples.map((example) => {
    const row: number[] = [];
    for (const feature of new Set(example.features)) {
      if ((seen.get(feature) ?? 0) < (options.minCount ?? 1)) continue;
      let id = ids.get(feature);
      if (id === undefined) {
        id = ids.size;
        ids.set(feature, id);
      }
      row.push(id);
    }
    return Int32Array.from(row);
  });
  const weights = new Float64Array(ids.size);
  const squared = new Float64Array(ids.size);
  const gradient = new Float64Array(ids.size);
  let bias = 0;
  let biasSquared = 0;
  const total = examples.reduce((sum, example) => sum + (example.weight ?? 1), 0) || 1;

  for (let epoch = 0; epoch < options.epochs; epoch++) {
    gradient.fill(0);
    let biasGradient = 0;
    examples.forEach((example, index) => {
      const row = rows[index] as Int32Array;
      let sum = bias;
      for (const id of row) sum += weights[id] as number;
      const error = ((sigmoid(sum) - (example.label ? 1 : 0)) * (example.weight ?? 1)) / total;
      biasGradient += error;
      for (const id of row) gradient[id] = (gradient[id] as number) + error;
    });
    for (let id = 0; id < weights.length; id++) {
      const step = (gradient[id] as number) + options.l2 * (weights[id] as number);
      squared[id] = (squared[id] as number) + step * step;
      weights[id] = (weights[id] as number) - (options.learningRate * step) / (Math.sqrt(squared[id] as number) + 1e-8);
    }
    biasSquared += biasGradient * biasGradient;
    bias -= (options.learningRate * biasGradient) / (Math.sqrt(biasSquared) + 1e-8);
  }

  const kept: Record<string, number> = {};
  for (const [feature, id] of [...ids].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const weight = weights[id] as number;
    if (Math.abs(weight) >= options.prune) kept[feature] = Math.round(weight * 1000) / 1000;
  }
  return { bias: Math.round(bias * 1000) / 1000, weights: kept };
}
