#!/usr/bin/python3
"""Golden cases of the torchaudio model zoo (DeepSpeech, Conformer, wav2vec2_model) in the format
of shared/golden/README.md (nn-golden/1), float64 references, op `realmodel.<name>` with the exact
Python constructor call in the metadata, as tools/gen-golden-zoo-vision.py (whose case writer,
weight and BatchNorm-statistics rules this imports; seeds are crc32 of "zoo-vision/<op>/<case>").

Run by hand with Debian's PyTorch 1.13 and torchaudio 0.13:

    /usr/bin/python3 tools/gen-golden-zoo-audio.py [OUT_DIR=test/fixtures] [--filter NAME[,NAME]]

Small configurations of each architecture, with and without padding (lengths), both norm
placements, both extractor modes; the conformance runner builds models.<name>(kwargs) from the
camelCase kwargs and loads the state_dict unchanged (weight_norm's weight_g/weight_v included).
Also OUT_DIR/zoo-audio-keys.json: the state_dict keys and shapes of full-size models (wav2vec2_base,
DeepSpeech, a Conformer), checked without weights by test/models/audio.test.ts.
"""
import importlib.util
import json
import os
import sys

import torch
import torchaudio

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('zoo_vision', os.path.join(HERE, 'gen-golden-zoo-vision.py'))
zv = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(zv)
zv.EVAL_GLOBALS['torchaudio'] = torchaudio
zv.META['torchaudio_version'] = torchaudio.__version__
TA = 'torchaudio.models'


def no_bn(m):
    pass


def lengths(*ls):
    return torch.tensor(ls, dtype=torch.int64)


def gen_deepspeech():
    for kw, shape in [({'n_feature': 20, 'n_hidden': 32, 'n_class': 11}, [2, 1, 13, 20]),
                      ({'n_feature': 7, 'n_hidden': 17, 'n_class': 5, 'dropout': 0.1}, [1, 1, 9, 7])]:
        name = f"f{kw['n_feature']}_h{kw['n_hidden']}_c{kw['n_class']}_{'x'.join(map(str, shape))}"
        zv.zoo_case(TA, 'DeepSpeech', kw, no_bn, lambda shape=shape: {'x': torch.randn(shape)}, name)


def gen_conformer():
    cases = [
        ({'input_dim': 16, 'num_heads': 4, 'ffn_dim': 32, 'num_layers': 2, 'depthwise_conv_kernel_size': 5}, 2, 11, [11, 7], 'd16_h4_ffn32_l2_k5_2x11'),
        ({'input_dim': 12, 'num_heads': 3, 'ffn_dim': 20, 'num_layers': 2, 'depthwise_conv_kernel_size': 3, 'use_group_norm': True,
          'convolution_first': True}, 3, 9, [9, 4, 6], 'd12_h3_ffn20_l2_k3_groupnorm_convfirst_3x9'),
        ({'input_dim': 8, 'num_heads': 2, 'ffn_dim': 8, 'num_layers': 1, 'depthwise_conv_kernel_size': 7, 'dropout': 0.1}, 1, 17, [17], 'd8_h2_ffn8_l1_k7_1x17'),
    ]
    for kw, b, t, ls, name in cases:
        d = kw['input_dim']
        calib = lambda m, t=t, d=d: zv.bn_stats_from_train_pass(m, torch.randn(8, t, d), lengths(*[t] * 8))
        zv.zoo_case(TA, 'Conformer', kw, calib, lambda b=b, t=t, d=d, ls=ls: {'input': torch.randn(b, t, d), 'lengths': lengths(*ls)},
                    name, out_names=('output', 'output_lengths'))


def w2v(mode, conv, embed, kernel, groups, layers, heads, ff, norm_first, aux=None, bias=False):
    return {'extractor_mode': mode, 'extractor_conv_layer_config': conv, 'extractor_conv_bias': bias, 'encoder_embed_dim': embed,
            'encoder_projection_dropout': 0.1, 'encoder_pos_conv_kernel': kernel, 'encoder_pos_conv_groups': groups,
            'encoder_num_layers': layers, 'encoder_num_heads': heads, 'encoder_attention_dropout': 0.1,
            'encoder_ff_interm_features': ff, 'encoder_ff_interm_dropout': 0.0, 'encoder_dropout': 0.1,
            'encoder_layer_norm_first': norm_first, 'encoder_layer_drop': 0.05, 'aux_num_out': aux}


def no_grad_call(m, xs):
    """forward without autograd: weight_norm's recomputed weight is then a leaf, which copy.deepcopy
    (the float64 copy) needs; torchaudio's wav2vec2 attention has no grad-dependent fast path."""
    with torch.no_grad():
        return m(*xs.values())


def gen_wav2vec2():
    cases = [
        (w2v('group_norm', [[16, 10, 5], [16, 3, 2], [16, 2, 2]], 32, 8, 4, 2, 4, 64, False), [2, 400], None, 'base_like_e32_l2_2x400'),
        (w2v('layer_norm', [[12, 10, 5], [20, 3, 2], [20, 3, 2]], 24, 5, 3, 2, 3, 40, True, aux=7, bias=True), [3, 523], [523, 300, 411],
         'large_like_e24_l2_normfirst_aux7_lengths_3x523'),
        (w2v('group_norm', [[8, 4, 2], [16, 3, 3]], 16, 6, 2, 1, 2, 24, False, aux=5), [2, 301], [301, 250], 'e16_l1_aux5_lengths_2x301'),
    ]
    for kw, shape, ls, name in cases:
        def inputs(shape=shape, ls=ls):
            xs = {'waveforms': torch.randn(shape)}
            if ls:
                xs['lengths'] = lengths(*ls)
            return xs
        zv.zoo_case(TA, 'wav2vec2_model', kw, no_bn, inputs, name, out_names=('output', 'output_lengths' if ls else None),
                    call=no_grad_call)


KEY_MODELS = [('wav2vec2_base', {}), ('wav2vec2_base', {'aux_num_out': 29}), ('DeepSpeech', {'n_feature': 26}),
              ('Conformer', {'input_dim': 80, 'num_heads': 4, 'ffn_dim': 256, 'num_layers': 4, 'depthwise_conv_kernel_size': 31})]


def write_keys():
    """state_dict keys and shapes of full-size models (structure check without weights: test/models/audio.test.ts)."""
    out = {'generator': 'tools/gen-golden-zoo-audio.py', 'torchaudio_version': torchaudio.__version__,
           'notes': 'state_dict keys and shapes of torchaudio models built with these keyword arguments', 'models': []}
    for name, kw in KEY_MODELS:
        m = getattr(torchaudio.models, name)(**kw)
        out['models'].append({'factory': name, 'kwargs': kw, 'keys': [[k, list(v.shape)] for k, v in m.state_dict().items()]})
    with open(os.path.join(zv.gf.OUT, 'zoo-audio-keys.json'), 'w') as f:
        json.dump(out, f, separators=(',', ':'))


def main():
    args = sys.argv[1:]
    if '--filter' in args:
        i = args.index('--filter')
        zv.FILTER = set(args[i + 1].split(','))
        del args[i:i + 2]
    zv.gf.OUT = args[0] if args else os.path.join(HERE, '..', 'test', 'fixtures')
    torch.set_num_threads(1)
    gen_deepspeech()
    gen_conformer()
    gen_wav2vec2()
    if not zv.FILTER:
        write_keys()
    for f in zv.gf.MANIFEST:
        print(f['op'], f['case'], f['bytes'], 'bytes, tol', f['tol'])
    print(len(zv.gf.MANIFEST), 'files,', sum(f['bytes'] for f in zv.gf.MANIFEST), 'bytes')


if __name__ == '__main__':
    main()
