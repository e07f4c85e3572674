import { array, integer, number, object, oneOf, record, string, type JsonSchema } from "../../params/schema.js"
import { modelSchema } from "../../ml/models/index.js"
import { lossSchema, type LossConfig } from "../../ml/losses/index.js"
import type { LabelSource } from "./label-norms.js"

/**
 * The `train` stage's parameters. The model and loss tables are validated against the
 * models' and losses' own schemas (src/ml), so their defaults and ranges live there.
 */
export interface TrainParams {
  readonly model: Readonly<Record<string, unknown>> & { readonly uses: string }
  readonly loss: LossConfig
  readonly labels: Readonly<Record<string, LabelSource>>
  readonly features: { readonly use: ReadonlyArray<string>; readonly source: "audio" | "input" | "target"; readonly frames?: number }
  readonly optimizer: { readonly uses: "adam"; readonly lr: number; readonly weight_decay: number }
  readonly batch: number
  readonly epochs: number
  /** The executor queue: "gpu" for GPU workers; unset means cpu. */
  readonly resources?: "cpu" | "gpu"
  readonly lr_schedule: {
    readonly uses: "plateau" | "cosine" | "none"
    readonly factor: number
    readonly patience: number
    readonly min_lr: number
    readonly warmup_epochs: number
  }
  readonly clip_grad_norm?: number
  readonly early_stopping: { readonly patience: number }
  readonly val_fraction: number
  readonly tbptt: { readonly warmup: number; readonly update_every: number }
  readonly segment?: number
  readonly silence_db?: number
  readonly checkpoint_every: number
  readonly val_every: number
}

const labelSource: JsonSchema = object({
  from: string({ description: "Item label to read (default: the model label's own name), e.g. fx.0.dynamics.optical.mode" }),
  map: record(number({ description: "Value", distribution: false }), { description: 'Numbers for string labels, e.g. { compress = 0, limit = 1 }' }),
  range: array(number({ description: "Bound", distribution: false }), {
    description: "[low, high] mapped to [0, 1] (default: an applied-effect label's schema range, e.g. 0..100 for fx.0.dynamics.optical.peak_reduction; else min and max over the training items)",
    minItems: 2,
    maxItems: 2
  })
})

export const trainParamsSchema: JsonSchema = object(
  {
    model: { ...modelSchema, description: 'The model: { uses = "model.rnn" | "model.tcn" | "model.wavenet" | "model.param_regressor" | "model.mlp", ... }' },
    loss: { ...lossSchema, default: { uses: "loss.esr" } },
    labels: record(labelSource, {
      description:
        "Where the model's conditioning labels and regression targets come from: { <name> = { from = <item label>, map = { <string> = <number> }, range = [lo, hi] } }. " +
        "Labels not listed are read under their own name, with the schema range of an applied-effect label, else the range of the training items.",
      default: {}
    }),
    features: {
      ...object({
        use: array(string({ description: "Feature name" }), { description:
            "FeatureSet features fed to a feature model, e.g. [\"mel\", \"f0\", \"loudness\"] (same hop); \"input.<name>\" / \"target.<name>\" pick the dry or wet side of pairs, \"target-input.<name>\" their difference " +
            "(features stage with on = \"both\"), e.g. [\"target-input.mel\", \"input.loudness\"]", default: ["mel"], minItems: 1 }),
        source: oneOf(["audio", "input", "target"], { description: "For features of a PairedAudioSet: those of the dry input or the wet target", default: "target" }),
        frames: integer({ description: "Frames per example for model.param_regressor (default: the shortest training item's)", minimum: 1, distribution: false })
      }),
      description: "Feature inputs (model.param_regressor: frames × dims, standardised; model.mlp: per-dimension mean and std over frames)",
      default: {}
    },
    optimizer: {
      ...object({
        uses: oneOf(["adam"], { description: "Optimizer", default: "adam" }),
        lr: number({ description: "Learning rate", exclusiveMinimum: 0, maximum: 1, default: 0.005, distribution: false }),
        weight_decay: number({ description: "Decoupled weight decay (AdamW) per step, × lr", minimum: 0, maximum: 1, default: 0, distribution: false })
      }),
      description: "Optimizer settings",
      default: {}
    },
    batch: integer({ description: "Segments (or examples) per batch", minimum: 1, maximum: 4096, default: 16, distribution: false }),
    epochs: integer({ description: "Passes over the training data", minimum: 1, maximum: 100000, default: 20, distribution: false }),
    resources: oneOf(["cpu", "gpu"], {
      description:
        'The worker queue this training goes to under `audioml run --executor queue`: "gpu" sends it to workers started with --queues gpu (unset: cpu). Part of the node key, as a GPU\'s floats differ from a CPU\'s'
    }),
    lr_schedule: {
      ...object({
        uses: oneOf(["plateau", "cosine", "none"], {
          description:
            '"plateau": multiply lr by `factor` after `patience` epochs without a better validation loss; ' +
            '"cosine": a linear warm-up over `warmup_epochs`, then cosine annealing from lr to `min_lr` over the remaining epochs, stepped every batch',
          default: "plateau"
        }),
        factor: number({ description: "Multiplier", exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.5, distribution: false }),
        patience: integer({ description: "Epochs without improvement before a reduction", minimum: 1, default: 5, distribution: false }),
        min_lr: number({ description: "Smallest learning rate (plateau's floor, cosine's end)", minimum: 0, default: 1e-5, distribution: false }),
        warmup_epochs: number({ description: "Cosine: epochs of linear warm-up from lr / warm-up batches to lr (0 = none; fractions allowed)", minimum: 0, default: 0, unit: "epochs", distribution: false })
      }),
      description: "Learning-rate schedule",
      default: {}
    },
    clip_grad_norm: number({
      description: "Clip each optimizer step's gradients to this global L2 norm over all weights, as torch.nn.utils.clip_grad_norm_ (unset: no clipping)",
      exclusiveMinimum: 0,
      distribution: false
    }),
    early_stopping: {
      ...object({ patience: integer({ description: "Stop after this many epochs without a better validation loss (0 = never); the best weights are kept", minimum: 0, default: 0, distribution: false }) }),
      description: "Early stopping on the validation loss",
      default: {}
    },
    val_fraction: number({ description: "Share of training recordings held out (by a hash of the id) when the dataset has no val split", exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.2, distribution: false }),
    tbptt: {
      ...object({
        warmup: integer({ description: "Samples run without gradients to settle the recurrent state", minimum: 0, default: 1000, unit: "samples", distribution: false }),
        update_every: integer({ description: "Samples per optimizer step; the state is carried, detached, between steps", minimum: 1, default: 200, unit: "samples", distribution: false })
      }),
      description: "Truncated backpropagation through time (recurrent models; Wright et al. use 1000 / 200)",
      default: {}
    },
    segment: integer({ description: "Samples per training segment of audio models (default: the shortest training clip, at most 8192)", minimum: 2, unit: "samples", distribution: false }),
    silence_db: number({
      description:
        "Opt-in: leave out training segments whose target RMS is below this level in any loss window (train ≤ 5 did so at −50 by default, which dropped every note onset after silence). " +
        "Unset (the default): every segment is kept; the pooled loss.esr weighs quiet windows by their energy",
      maximum: 0,
      unit: "dBFS",
      distribution: false
    }),
    val_every: integer({ description: "Validate every N epochs (and after the last); plateau and early-stopping patience count validations", minimum: 1, default: 1, distribution: false }),
    checkpoint_every: integer({ description: "Save a checkpoint every N epochs; an interrupted run resumes from the last one", minimum: 1, default: 1, distribution: false })
  },
  { required: ["model"] }
)
