/**
 * What issue 11 asks simdnn to support, as data: a backend test that uses an op outside this
 * list, or a dtype outside ALLOWED_DTYPES, is SKIPped (saying which); a test inside the list whose
 * op the registry lacks is a FAIL ("not implemented"), so the counts tell the truth.
 */
export const SUPPORTED_OPS: readonly string[] = `
Conv ConvTranspose Gemm MatMul Add Sub Mul Div Pow Sqrt Exp Log Abs Neg Reciprocal Floor Ceil Erf
Tanh Sigmoid Relu LeakyRelu Elu Selu PRelu HardSigmoid HardSwish Clip Softplus Max Min Sum Mean
Softmax LogSoftmax LayerNormalization BatchNormalization InstanceNormalization MaxPool AveragePool
GlobalAveragePool GlobalMaxPool ReduceMean ReduceSum ReduceMax ReduceMin ReduceProd ReduceL2
ReduceSumSquare ArgMax ArgMin Reshape Flatten Squeeze Unsqueeze Transpose Concat Split Slice Gather
GatherElements Expand Tile Pad Resize Upsample DepthToSpace SpaceToDepth Where Equal Less Greater
Not And Or Cast Shape Size ConstantOfShape Range Identity Dropout Constant LSTM GRU RNN If Trilu
GreaterOrEqual LessOrEqual CastLike Mod CumSum ReduceL1 ReduceLogSum ReduceLogSumExp Hardmax Einsum
OneHot ScatterElements ScatterND GatherND IsInf IsNaN Xor Sign Round Mish Celu ThresholdedRelu
Softsign Shrink Sin Cos TopK NonZero EyeLike Gelu
`.trim().split(/\s+/);

/** Element types a test may use (float16 is computed in float32, compared after rounding to float16). */
export const ALLOWED_DTYPES: readonly string[] = ['float32', 'int64', 'int32', 'bool', 'uint8', 'int8', 'float16'];
