import { renderNote, type NoteOptions } from "../../synth/render.js"
import type { PresetValues } from "../../synth/params.js"

/** One note of one preset for our renderer: the work of one task of `source.synth`'s pool. */
export interface RenderTask {
  readonly values: PresetValues
  readonly options: NoteOptions
}

/** Render one task (dist/stages/source-synth/render-worker.js in the pool, or in the stage's thread). */
export default function render(task: RenderTask): Float32Array {
  return renderNote(task.values, task.options)
}
