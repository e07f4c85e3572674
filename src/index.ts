/** audioml's library entry point (package "exports" "."): the streaming model processor. */
export { loadModel, type LoadModelOptions, type StreamProcessor } from "./ml/stream/processor.js"
export { NamFormatError, parseNam, readNam, type NamModel } from "./ml/formats/nam.js"
