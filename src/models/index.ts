/** The model zoo: torchvision's and torchaudio's architectures by their names (a plain list of re-exports). */
export { VisionTransformer, vit_b_16, EncoderBlock, MLPBlock, ViTEncoder, type VisionTransformerOptions } from './vit.js';
export { DeepSpeech, FullyConnected, type DeepSpeechOptions } from './audio/deepspeech.js';
export { Conformer, ConformerLayer, ConformerConvolution, ConformerFeedForward, type ConformerOptions } from './audio/conformer.js';
export { Wav2Vec2Model, wav2vec2_model, wav2vec2_base, type Wav2Vec2ModelOptions } from './audio/wav2vec2.js';
