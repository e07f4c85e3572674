/**
 * The reset-after GRU as a tfjs layer: the cell of PyTorch's nn.GRU, RTNeural and Keras
 * (`reset_after=True`, Keras's default since TF 2). tfjs's own GRUCell only has the older
 * reset-before cell (it refuses `resetAfter`), so this layer writes the sequence loop in tf ops.
 *
 * Weights, Keras's layout: `kernel` [I, 3H], `recurrent_kernel` [H, 3H], `bias` [2, 3H] (row 0
 * the input-side bias, row 1 the recurrent-side bias); column blocks z (update), r (reset), n
 * (candidate). Per step, with sigmoid (not hard sigmoid) gates:
 *   z = σ(x·W_z + b_iz + h·U_z + b_hz)      r = σ(x·W_r + b_ir + h·U_r + b_hr)
 *   n = tanh(x·W_n + b_in + r ⊙ (h·U_n + b_hn))      h' = z ⊙ h + (1 − z) ⊙ n
 *
 * Like model.rnn's LSTM layers, it returns [sequence, final h] and takes an optional
 * `initialState: [h0]` in `apply`'s kwargs (eagerly only). This is the reference the fused
 * training op (kernels/rnn-train-ops.ts) and the inference kernels are checked against, and
 * what model.json's topology names (class "GruResetAfter", registered with tfjs's
 * serialization so `tf.loadLayersModel` reads it once this module has run `gruResetAfterLayer`).
 */
import type * as tfTypes from "@tensorflow/tfjs"
import type { Tf } from "../backend.js"

/** The layer's options: `units` (H) and the layer's name (its weights are "<name>/kernel", ...). */
export interface GruResetAfterConfig {
  readonly units: number
  readonly name: string
}

type LayerCtor = new (config: GruResetAfterConfig) => tfTypes.layers.Layer

const classes = new WeakMap<object, LayerCtor>()

/** The layer class for this tfjs instance (defined and registered once per instance). */
const layerClass = (tf: Tf): LayerCtor => {
  const known = classes.get(tf)
  if (known !== undefined) return known
  class GruResetAfter extends tf.layers.Layer {
    static readonly className = "GruResetAfter"
    readonly units: number
    private kernel: tfTypes.LayerVariable | undefined
    private recurrentKernel: tfTypes.LayerVariable | undefined
    private bias: tfTypes.LayerVariable | undefined

    constructor(config: GruResetAfterConfig) {
      super({ name: config.name })
      this.units = config.units
    }

    override build(inputShape: tfTypes.Shape | tfTypes.Shape[]): void {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfTypes.Shape
      const inputSize = shape[shape.length - 1]!
      const G = 3 * this.units
      const zeros = tf.initializers.zeros()
      this.kernel = this.addWeight("kernel", [inputSize, G], "float32", zeros)
      this.recurrentKernel = this.addWeight("recurrent_kernel", [this.units, G], "float32", zeros)
      this.bias = this.addWeight("bias", [2, G], "float32", zeros)
      this.built = true
    }

    override computeOutputShape(inputShape: tfTypes.Shape | tfTypes.Shape[]): tfTypes.Shape[] {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfTypes.Shape
      return [[shape[0]!, shape[1]!, this.units], [shape[0]!, this.units]]
    }

    override call(inputs: tfTypes.Tensor | tfTypes.Tensor[], kwargs: Record<string, unknown>): tfTypes.Tensor[] {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tfTypes.Tensor3D
      const [B, T, I] = x.shape
      const H = this.units
      const W = this.kernel!.read()
      const U = this.recurrentKernel!.read()
      const [bIn, bRec] = tf.unstack(this.bias!.read()) as [tfTypes.Tensor1D, tfTypes.Tensor1D]
      // Input side for all steps at once: [B, T, 3H].
      const xs = tf.reshape(tf.add(tf.matMul(tf.reshape(x, [B * T, I]), W), bIn), [B, T, 3 * H])
      const steps = tf.unstack(xs, 1) as tfTypes.Tensor2D[]
      const init = kwargs["initialState"] as tfTypes.Tensor[] | tfTypes.Tensor | undefined
      let h = (init === undefined ? tf.zeros([B, H]) : Array.isArray(init) ? init[0]! : init) as tfTypes.Tensor2D
      const hs: tfTypes.Tensor2D[] = []
      for (const a of steps) {
        const s = tf.add(tf.matMul(h, U), bRec)
        const [az, ar, an] = tf.split(a, 3, 1) as [tfTypes.Tensor2D, tfTypes.Tensor2D, tfTypes.Tensor2D]
        const [sz, sr, sn] = tf.split(s, 3, 1) as [tfTypes.Tensor2D, tfTypes.Tensor2D, tfTypes.Tensor2D]
        const z = tf.sigmoid(tf.add(az, sz))
        const r = tf.sigmoid(tf.add(ar, sr))
        const n = tf.tanh(tf.add(an, tf.mul(r, sn)))
        h = tf.add(n, tf.mul(z, tf.sub(h, n)))
        hs.push(h)
      }
      return [tf.stack(hs, 1), h]
    }

    override getConfig(): tfTypes.serialization.ConfigDict {
      return { ...super.getConfig(), units: this.units }
    }
  }
  tf.serialization.registerClass(GruResetAfter)
  classes.set(tf, GruResetAfter)
  return GruResetAfter
}

/**
 * A reset-after GRU layer returning [sequence, final h] (see the module comment), weights
 * initialised to zeros (model.rnn writes its own values).
 */
export const gruResetAfterLayer = (tf: Tf, config: GruResetAfterConfig): tfTypes.layers.Layer => new (layerClass(tf))(config)
