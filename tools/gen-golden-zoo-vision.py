#!/usr/bin/python3
"""Golden cases of the torchvision model zoo (ResNet, MobileNetV2, MobileNetV3, EfficientNet,
SqueezeNet, ShuffleNetV2, VisionTransformer) in the format of shared/golden/README.md (nn-golden/1), float64
references.

Run by hand with Debian's PyTorch 1.13 and torchvision 0.14:

    /usr/bin/python3 tools/gen-golden-zoo-vision.py [OUT_DIR=test/fixtures] [--filter NAME[,NAME]]
    /usr/bin/python3 tools/gen-golden-zoo-vision.py --full OUT_DIR     # full-size models, not committed

Default: small configurations (files < 1.5 MB) to OUT_DIR/realmodel.<name>/<case>.safetensors, and
the state_dict key list (key, shape) of every full-size factory to
OUT_DIR/zoo-vision-keys.json (structure check without weights: test/models/vision.test.ts).
--full: full-size resnet18/50, mobilenet_v2, mobilenet_v3_small/large, efficientnet_b0..b3,
squeezenet1_1, shufflenet_v2_x1_0 (tens of MB each) into OUT_DIR; the test runs them when
ZOO_VISION_FULL=OUT_DIR is set (see test/models/vision.test.ts).

op is `realmodel.<name>` (the torchvision factory or class); the metadata holds the exact Python
constructor call (`constructor`, evaluated to build the model, also in torch_call) and params
{factory, kwargs, input_shapes} with torchvision's keyword arguments (snake_case; the JS factory
takes them in camelCase). Weights: torchvision's init under the seed; parameters the init leaves
constant (BatchNorm ones/zeros, zero biases) get base + 0.2 randn; weights initialised at a tiny
scale (the classifier Linear's normal(0, 0.01), SqueezeNet's final conv) are redrawn at
std 1/sqrt(fan_in) so the logits are O(1) and the comparison is sensitive. BatchNorm statistics
come from one train-mode pass over random data (momentum None: the batch statistics, so they are
realistic for every layer), then eval. The writer, float64 reference and tolerance rule are
tools/gen-fixtures.py's (imported); seeds are crc32 of "zoo-vision/<op>/<case>".
"""
import importlib.util
import json
import os
import sys

import torch
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('gen_fixtures', os.path.join(HERE, 'gen-fixtures.py'))
gf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gf)

META = {'set': 'zoo-vision', 'generator': 'tools/gen-golden-zoo-vision.py', 'torchvision_version': torchvision.__version__}
start, _ = gf.family('zoo-vision', META)
FILTER = None
TV = 'torchvision.models'


def py_value(name, k, v):
    """Python source of a keyword argument: EfficientNet's inverted_residual_setting rows
    [expand_ratio, kernel, stride, input_channels, out_channels, num_layers] become MBConvConfig calls."""
    if name == 'EfficientNet' and k == 'inverted_residual_setting':
        return '[' + ', '.join(f'{TV}.efficientnet.MBConvConfig({", ".join(map(repr, r))})' for r in v) + ']'
    return repr(v)


def py_args(name, kwargs):
    return ', '.join(f'{k}={py_value(name, k, v)}' for k, v in kwargs.items())


def realistic_weights(m):
    with torch.no_grad():
        for name, p in m.named_parameters():
            if p.dim() > 1:
                fan_in = p[0].numel()
                if float(p.std()) < 0.5 / fan_in ** 0.5:
                    p.copy_(torch.randn(p.shape) / fan_in ** 0.5)
            elif p.numel() == 1 or float(p.max() - p.min()) == 0.0:
                p.copy_(float(p.flatten()[0]) + 0.2 * torch.randn(p.shape))


def bn_stats_from_train_pass(m, *xs):
    bns = [b for b in m.modules() if isinstance(b, torch.nn.modules.batchnorm._BatchNorm)]
    for b in bns:
        b.momentum = None
        b.reset_running_stats()
    m.train()
    with torch.no_grad():
        m(*xs)
    m.eval()


def reduction_len(m):
    n = 64
    for mod in m.modules():
        if isinstance(mod, (torch.nn.Conv1d, torch.nn.Conv2d)):
            n = max(n, mod.weight[0].numel())
        elif isinstance(mod, torch.nn.Linear):
            n = max(n, mod.in_features)
    return n


def zoo_case(ns, name, kwargs, calib, inputs, case_name, out_names=('output',), call=None):
    """One realmodel.<name> case: the model `<ns>.<name>(**kwargs)` (ns 'torchvision.models' or
    'torchaudio.models'; kwargs JSON-friendly, rendered by py_args) with realistic weights;
    calib(m) then sets its BatchNorm statistics (bn_stats_from_train_pass on random data) and
    inputs() draws the inputs (name -> tensor), both after the generator is seeded. out_names:
    forward's outputs in order (None: not an output, e.g. torchaudio's lengths=None). call(m, inputs):
    how forward is called (gen-fixtures.py's module_case)."""
    if FILTER and name not in FILTER:
        return
    op = f'realmodel.{name}'
    seed = start(op, case_name)
    ctor = f'{ns}.{name}({py_args(name, kwargs)})'
    m = eval(ctor, {'torchvision': torchvision, 'torch': torch, **EVAL_GLOBALS})
    realistic_weights(m)
    torch.manual_seed(seed + 1)
    calib(m)
    xs = inputs()
    params = {'factory': name, 'kwargs': kwargs, 'input_shapes': {k: list(v.shape) for k, v in xs.items()}}
    gf.module_case(op, case_name, params, lambda: m, xs, list(out_names), f'{ctor}.eval()({", ".join(xs)})', reduction_len(m), seed,
                   call=call, extra_meta=dict(META, constructor=ctor))


EVAL_GLOBALS = {}  # more modules the constructor strings name (torchaudio)


def case(name, kwargs, shape, case_name=None, calib_batch=8):
    """name: the torchvision factory or class (torchvision.models.<name>); kwargs: its keyword arguments (JSON-friendly)."""
    case_name = case_name or '_'.join(f'{k}{v}' for k, v in kwargs.items()) + '_' + 'x'.join(map(str, shape))
    zoo_case(TV, name, kwargs, lambda m: bn_stats_from_train_pass(m, torch.randn([calib_batch] + shape[1:])),
             lambda: {'x': torch.randn(shape)}, case_name)


def gen_small():
    case('mobilenet_v2', {'num_classes': 10, 'width_mult': 0.25}, [1, 3, 32, 32])
    case('mobilenet_v2', {'num_classes': 7, 'width_mult': 0.35, 'round_nearest': 4,
                          'inverted_residual_setting': [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 2, 2], [4, 48, 2, 1], [6, 64, 1, 2]]}, [2, 3, 41, 37],
         'w0.35_round4_5stages_c7_2x3x41x37')
    case('mobilenet_v3_small', {'num_classes': 10, 'width_mult': 0.25}, [1, 3, 64, 64])
    case('mobilenet_v3_small', {'num_classes': 5, 'width_mult': 0.3, 'dilated': True}, [2, 3, 35, 29])
    case('mobilenet_v3_large', {'num_classes': 10, 'width_mult': 0.25, 'reduced_tail': True}, [1, 3, 64, 64])
    eff = [[1, 3, 1, 8, 8, 1], [6, 3, 2, 8, 16, 2], [6, 5, 2, 16, 24, 2], [4, 3, 1, 24, 24, 2], [6, 5, 2, 24, 40, 1]]
    case('EfficientNet', {'inverted_residual_setting': eff, 'dropout': 0.2, 'num_classes': 10}, [1, 3, 64, 64], 'b0_like_w8_5stages_c10_1x3x64x64')
    eff2 = [[1, 3, 1, 16, 8, 1], [6, 5, 2, 8, 16, 3], [3, 3, 2, 16, 32, 2]]
    case('EfficientNet', {'inverted_residual_setting': eff2, 'dropout': 0.3, 'num_classes': 4, 'last_channel': 96}, [2, 3, 33, 47], '3stages_last96_c4_2x3x33x47')
    case('ShuffleNetV2', {'stages_repeats': [2, 3, 2], 'stages_out_channels': [8, 16, 32, 64, 96], 'num_classes': 10}, [1, 3, 64, 64], 'r2-3-2_c8-16-32-64-96_c10_1x3x64x64')
    case('ShuffleNetV2', {'stages_repeats': [1, 2, 1], 'stages_out_channels': [12, 20, 44, 60, 72], 'num_classes': 3}, [2, 3, 47, 33], 'r1-2-1_c12-20-44-60-72_c3_2x3x47x33')
    case('SqueezeNet', {'version': '1_1', 'num_classes': 6}, [1, 3, 47, 41], 'v1_1_c6_1x3x47x41')
    case('VisionTransformer', {'image_size': 32, 'patch_size': 8, 'num_layers': 2, 'num_heads': 4, 'hidden_dim': 32, 'mlp_dim': 64,
                               'num_classes': 10}, [2, 3, 32, 32], 'img32_p8_l2_h4_d32_mlp64_c10_2x3x32x32')
    case('VisionTransformer', {'image_size': 28, 'patch_size': 7, 'num_layers': 3, 'num_heads': 3, 'hidden_dim': 24, 'mlp_dim': 40,
                               'num_classes': 5, 'representation_size': 16}, [1, 3, 28, 28], 'img28_p7_l3_h3_d24_mlp40_c5_repr16_1x3x28x28')


def gen_full():
    full = [('resnet18', [1, 3, 224, 224]), ('resnet50', [1, 3, 224, 224]), ('mobilenet_v2', [1, 3, 224, 224]),
            ('mobilenet_v3_small', [1, 3, 224, 224]), ('mobilenet_v3_large', [1, 3, 224, 224]), ('efficientnet_b0', [1, 3, 224, 224]),
            ('efficientnet_b1', [1, 3, 128, 128]), ('efficientnet_b2', [1, 3, 128, 128]), ('efficientnet_b3', [1, 3, 128, 128]),
            ('squeezenet1_1', [1, 3, 224, 224]), ('shufflenet_v2_x0_5', [1, 3, 224, 224]), ('shufflenet_v2_x1_0', [1, 3, 224, 224])]
    for name, shape in full:
        case(name, {}, shape, 'full_' + 'x'.join(map(str, shape)), calib_batch=2)


KEY_FACTORIES = ['resnet18', 'resnet34', 'resnet50', 'mobilenet_v2', 'mobilenet_v3_small', 'mobilenet_v3_large', 'efficientnet_b0',
                 'efficientnet_b1', 'efficientnet_b2', 'efficientnet_b3', 'squeezenet1_1', 'shufflenet_v2_x0_5', 'shufflenet_v2_x1_0', 'vit_b_16']


def write_keys():
    out = {'generator': META['generator'], 'torchvision_version': torchvision.__version__,
           'notes': 'state_dict keys and shapes of torchvision factories with their default arguments', 'models': {}}
    for name in KEY_FACTORIES:
        m = getattr(torchvision.models, name)()
        out['models'][name] = [[k, list(v.shape)] for k, v in m.state_dict().items()]
    with open(os.path.join(gf.OUT, 'zoo-vision-keys.json'), 'w') as f:
        json.dump(out, f, separators=(',', ':'))


def main():
    global FILTER
    args = sys.argv[1:]
    full = '--full' in args
    if full:
        args.remove('--full')
    if '--filter' in args:
        i = args.index('--filter')
        FILTER = set(args[i + 1].split(','))
        del args[i:i + 2]
    gf.OUT = args[0] if args else os.path.join(HERE, '..', 'test', 'fixtures')
    torch.set_num_threads(1)
    if full:
        gen_full()
    else:
        gen_small()
        if not FILTER:
            write_keys()
    for f in gf.MANIFEST:
        print(f['op'], f['case'], f['bytes'], 'bytes, tol', f['tol'])
    print(len(gf.MANIFEST), 'files,', sum(f['bytes'] for f in gf.MANIFEST), 'bytes')


if __name__ == '__main__':
    main()
