/** The model zoo: torchvision's and torchaudio's architectures by their names (a plain list of re-exports). */
export { VisionTransformer, vit_b_16, EncoderBlock, MLPBlock, ViTEncoder, type VisionTransformerOptions } from './vit.js';
export { DeepSpeech, FullyConnected, type DeepSpeechOptions } from './audio/deepspeech.js';
export { Conformer, ConformerLayer, ConformerConvolution, ConformerFeedForward, type ConformerOptions } from './audio/conformer.js';
export { Wav2Vec2Model, wav2vec2_model, wav2vec2_base, type Wav2Vec2ModelOptions } from './audio/wav2vec2.js';
// torchvision CNNs (src/models/vision/)
export { Conv2dNormActivation, SqueezeExcitation, StochasticDepth, makeDivisible, type Conv2dNormActivationOptions, type SqueezeExcitationOptions, type NormLayer, type ActivationLayer } from './vision/common.js';
export { ResNet, BasicBlock, Bottleneck, resnet18, resnet34, resnet50, resnet101, resnet152, resnext50_32x4d, resnext101_32x8d, wide_resnet50_2, wide_resnet101_2, type ResNetOptions, type ResNetFactoryOptions, type ResNetBlockOptions, type ResNetBlockClass } from './vision/resnet.js';
export { MobileNetV2, InvertedResidual, mobilenet_v2, type MobileNetV2Options } from './vision/mobilenetv2.js';
export { MobileNetV3, MobileNetV3InvertedResidual, InvertedResidualConfig, mobilenet_v3_large, mobilenet_v3_small, mobilenetV3Conf, type MobileNetV3Options, type MobileNetV3FactoryOptions } from './vision/mobilenetv3.js';
export { EfficientNet, MBConv, MBConvConfig, efficientnetConf, efficientnet_b0, efficientnet_b1, efficientnet_b2, efficientnet_b3, efficientnet_b4, efficientnet_b5, efficientnet_b6, efficientnet_b7, type EfficientNetOptions, type EfficientNetFactoryOptions } from './vision/efficientnet.js';
export { SqueezeNet, Fire, squeezenet1_0, squeezenet1_1, type SqueezeNetOptions } from './vision/squeezenet.js';
export { ShuffleNetV2, ShuffleNetInvertedResidual, shufflenet_v2_x0_5, shufflenet_v2_x1_0, shufflenet_v2_x1_5, shufflenet_v2_x2_0, type ShuffleNetV2Options, type ShuffleNetV2FactoryOptions } from './vision/shufflenetv2.js';
