#!/usr/bin/python3
"""Golden cases of the layer family (pooling 1-D and adaptive, BatchNorm1d, GroupNorm, InstanceNorm,
ConvTranspose1d/2d, interpolate/Upsample, weight_norm, nn.Transformer/TransformerDecoder) in the
format of shared/golden/README.md (nn-golden/1), float64 references.

Run by hand with Debian's PyTorch 1.13 (torch is not a JS dependency):

    /usr/bin/python3 tools/gen-golden-layers.py [OUT_DIR=test/fixtures] [--filter OP[,OP]]

Writes OUT_DIR/<op>/<case>.safetensors (small files: KBs). The writer, the float64 reference and
the tolerance rule are those of tools/gen-fixtures.py (imported, not copied); seeds are crc32 of
"layers/<op>/<case>". The conformance runners are tools/conformance/ops/layers.ts.
"""
import copy
import importlib.util
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('gen_fixtures', os.path.join(HERE, 'gen-fixtures.py'))
gf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gf)

META = {'set': 'layers', 'generator': 'tools/gen-golden-layers.py'}


start, fn_case = gf.family('layers', META)
shape_name = gf.shape_name


def module_case(op, case, params, m, inputs, torch_call, reduction_len, seed, overwrite=None, call=None, out_names=('output',)):
    gf.module_case(op, case, params, lambda: m, inputs, list(out_names), torch_call, reduction_len, seed,
                   overwrite=overwrite, call=call, extra_meta=META)


# ---------------------------------------------------------------------------------------------
def gen_pool1d():
    for shape, k, s_, p, d, ceil in [([2, 3, 17], 3, 2, 1, 1, True), ([1, 4, 9], 2, 2, 0, 1, False), ([1, 2, 33], 5, 3, 2, 2, True),
                                     ([3, 16], 3, 1, 1, 1, False)]:
        case = f'{shape_name(shape)}_k{k}_s{s_}_p{p}_d{d}' + ('_ceil' if ceil else '')
        seed = start('maxpool1d', case)
        x = torch.randn(shape)
        fn_case('maxpool1d', case, {'kernel_size': k, 'stride': s_, 'padding': p, 'dilation': d, 'ceil_mode': ceil, 'input_shape': shape},
                lambda t: F.max_pool1d(t, k, s_, p, d, ceil_mode=ceil), {'input': x},
                f'nn.MaxPool1d({k},{s_},{p},{d},ceil_mode={ceil})(input)', k, seed)
    for shape, k, s_, p, ceil, cip in [([2, 3, 17], 3, 2, 1, True, True), ([1, 4, 9], 4, 3, 2, True, False), ([1, 5, 8], 2, 2, 0, False, True),
                                       ([3, 13], 3, 1, 1, False, False)]:
        case = f'{shape_name(shape)}_k{k}_s{s_}_p{p}_{"cip" if cip else "nocip"}' + ('_ceil' if ceil else '')
        seed = start('avgpool1d', case)
        x = torch.randn(shape)
        fn_case('avgpool1d', case, {'kernel_size': k, 'stride': s_, 'padding': p, 'ceil_mode': ceil, 'count_include_pad': cip, 'input_shape': shape},
                lambda t: F.avg_pool1d(t, k, s_, p, ceil_mode=ceil, count_include_pad=cip), {'input': x},
                f'nn.AvgPool1d({k},{s_},{p},ceil_mode={ceil},count_include_pad={cip})(input)', k, seed)


def gen_adaptive():
    for shape, out in [([2, 3, 7, 5], [3, 2]), ([1, 4, 10, 13], [4, 5]), ([1, 2, 5, 5], [7, 7]), ([1, 3, 9, 9], [3, None]), ([3, 6, 6], 4)]:
        case = f'{shape_name(shape)}_to{"x".join("None" if o is None else str(o) for o in (out if isinstance(out, list) else [out, out]))}'
        seed = start('adaptive_avg_pool2d', case)
        x = torch.randn(shape)
        fn_case('adaptive_avg_pool2d', case, {'output_size': out, 'input_shape': shape},
                lambda t: F.adaptive_avg_pool2d(t, out), {'input': x}, f'nn.AdaptiveAvgPool2d({out})(input)', shape[-1] * shape[-2], seed)
        seed = start('adaptive_max_pool2d', case)
        x = torch.randn(shape)
        fn_case('adaptive_max_pool2d', case, {'output_size': out, 'input_shape': shape},
                lambda t: F.adaptive_max_pool2d(t, out), {'input': x}, f'nn.AdaptiveMaxPool2d({out})(input)', shape[-1] * shape[-2], seed)
    for shape, out in [([2, 3, 17], 5), ([1, 4, 6], 6), ([1, 2, 5], 8), ([3, 10], 1)]:
        case = f'{shape_name(shape)}_to{out}'
        seed = start('adaptive_avg_pool1d', case)
        x = torch.randn(shape)
        fn_case('adaptive_avg_pool1d', case, {'output_size': out, 'input_shape': shape},
                lambda t: F.adaptive_avg_pool1d(t, out), {'input': x}, f'nn.AdaptiveAvgPool1d({out})(input)', shape[-1], seed)


def gen_norms():
    for shape, eps, affine in [([5, 6], 1e-5, True), ([3, 7, 9], 1e-3, True), ([2, 4, 5], 1e-5, False)]:
        c = shape[1]
        case = f'{shape_name(shape)}_eps{eps:g}_{"affine" if affine else "noaffine"}'
        seed = start('batchnorm1d', case)

        def over(m, c=c, affine=affine):
            if affine:
                gf.randomize(m.weight, m.bias)
            gf.randomize(m.running_mean)
            m.running_var.copy_(torch.rand(c) * 2 + 0.05)
            m.num_batches_tracked.fill_(7)
        x = torch.randn(shape)
        module_case('batchnorm1d', case, {'num_features': c, 'eps': eps, 'momentum': 0.1, 'affine': affine, 'input_shape': shape},
                    nn.BatchNorm1d(c, eps=eps, affine=affine), {'input': x}, f'nn.BatchNorm1d({c},eps={eps},affine={affine}).eval()(input)',
                    1, seed, overwrite=over)
    for shape, g, eps, affine, offset in [([2, 6, 5, 7], 3, 1e-5, True, 0.0), ([1, 4, 9], 2, 1e-3, True, 20.0), ([3, 5, 7, 3], 5, 1e-5, False, 0.0),
                                          ([2, 8, 33], 1, 1e-5, True, 0.0), ([1, 32, 4, 4], 8, 1e-6, True, -5.0)]:
        c = shape[1]
        case = f'{shape_name(shape)}_g{g}_eps{eps:g}_{"affine" if affine else "noaffine"}' + (f'_offset{offset:g}' if offset else '')
        seed = start('group_norm', case)
        x = torch.randn(shape) + offset

        def over(m, affine=affine):
            if affine:
                gf.randomize(m.weight, m.bias)
        module_case('group_norm', case, {'num_groups': g, 'num_channels': c, 'eps': eps, 'affine': affine, 'input_shape': shape, 'input_offset': offset},
                    nn.GroupNorm(g, c, eps=eps, affine=affine), {'input': x}, f'nn.GroupNorm({g},{c},eps={eps},affine={affine})(input)',
                    (c // g) * int(torch.tensor(shape[2:]).prod()), seed, overwrite=over)
    for dims, shape, affine, track in [(1, [2, 3, 17], False, False), (1, [4, 9], True, False), (1, [2, 3, 8], True, True),
                                       (2, [2, 3, 5, 7], True, False), (2, [3, 4, 4], False, False), (2, [1, 2, 6, 5], False, True)]:
        Inst = nn.InstanceNorm1d if dims == 1 else nn.InstanceNorm2d
        op = f'instance_norm{dims}d'
        c = shape[-dims - 1]
        case = f'{shape_name(shape)}_{"affine" if affine else "noaffine"}_{"track" if track else "notrack"}'
        seed = start(op, case)
        x = torch.randn(shape)

        def over(m, affine=affine, track=track, c=c):
            if affine:
                gf.randomize(m.weight, m.bias)
            if track:
                gf.randomize(m.running_mean)
                m.running_var.copy_(torch.rand(c) * 2 + 0.05)
                m.num_batches_tracked.fill_(3)
        module_case(op, case, {'num_features': c, 'eps': 1e-5, 'momentum': 0.1, 'affine': affine, 'track_running_stats': track, 'input_shape': shape},
                    Inst(c, affine=affine, track_running_stats=track), {'input': x},
                    f'nn.InstanceNorm{dims}d({c},affine={affine},track_running_stats={track}).eval()(input)',
                    int(torch.tensor(shape[-dims:]).prod()), seed, overwrite=over)


def gen_conv_transpose():
    C = [  # dims, n, cin, cout, spatial, k, s, p, op, d, g, bias
        (2, 1, 3, 4, [5, 7], [3, 3], [2, 2], [1, 1], [1, 1], [1, 1], 1, True),
        (2, 2, 4, 6, [3, 4], [4, 3], [2, 1], [1, 0], [0, 0], [1, 2], 2, False),
        (2, 1, 6, 6, [4, 5], [3, 3], [3, 2], [0, 1], [2, 1], [1, 1], 3, True),
        (2, 1, 8, 8, [6, 6], [2, 2], [2, 2], [0, 0], [0, 0], [1, 1], 8, True),
        (1, 2, 4, 3, [9], [4], [2], [1], [1], [1], 1, True),
        (1, 1, 6, 4, [13], [5], [3], [2], [0], [2], 2, False),
        (1, 3, 2, 5, [1], [3], [1], [0], [0], [1], 1, True),
    ]
    for dims, n, cin, cout, sp, k, s_, p, op_, d, g, bias in C:
        Conv = nn.ConvTranspose2d if dims == 2 else nn.ConvTranspose1d
        op = f'conv_transpose{dims}d'
        j = lambda v: 'x'.join(map(str, v))
        case = f'b{n}_c{cin}to{cout}_{j(sp)}_k{j(k)}_s{j(s_)}_p{j(p)}_op{j(op_)}_d{j(d)}_g{g}_{"bias" if bias else "nobias"}'
        seed = start(op, case)
        m = Conv(cin, cout, k, stride=s_, padding=p, output_padding=op_, groups=g, bias=bias, dilation=d)
        x = torch.randn([n, cin] + sp)
        module_case(op, case, {'in_channels': cin, 'out_channels': cout, 'kernel_size': k, 'stride': s_, 'padding': p, 'output_padding': op_,
                               'groups': g, 'bias': bias, 'dilation': d, 'input_shape': [n, cin] + sp},
                    m, {'input': x}, f'nn.ConvTranspose{dims}d({cin},{cout},{k},stride={s_},padding={p},output_padding={op_},groups={g},bias={bias},dilation={d})(input)',
                    (cin // g) * int(torch.tensor(k).prod()), seed)


def gen_interpolate():
    I = [  # shape, size, scale_factor, mode, align_corners, recompute
        ([1, 2, 3, 4], None, 2, 'nearest', None, None),
        ([2, 3, 5, 7], [4, 9], None, 'nearest', None, None),
        ([1, 2, 9], None, 1.7, 'nearest', None, None),
        ([1, 3, 4, 5], None, [1.5, 0.6], 'nearest-exact', None, None),
        ([1, 2, 7], None, 2.5, 'linear', False, None),
        ([1, 2, 7], [12], None, 'linear', True, None),
        ([1, 2, 5, 6], None, 2, 'bilinear', False, None),
        ([2, 2, 5, 6], [9, 4], None, 'bilinear', True, None),
        ([1, 3, 8, 9], None, 0.6, 'bilinear', False, None),
        ([1, 3, 8, 9], None, 1.3, 'bilinear', False, True),
        ([1, 2, 5, 4], None, 2, 'bicubic', False, None),
        ([1, 2, 5, 4], [7, 11], None, 'bicubic', True, None),
        ([1, 3, 9, 10], [4, 3], None, 'area', None, None),
    ]
    for shape, size, sf, mode, ac, rc in I:
        tag = f'size{"x".join(map(str, size))}' if size else f'scale{"x".join(map(str, sf if isinstance(sf, list) else [sf]))}'
        case = f'{shape_name(shape)}_{mode}_{tag}' + ('' if ac is None else f'_ac{int(ac)}') + ('_recompute' if rc else '')
        seed = start('interpolate', case)
        x = torch.randn(shape)
        fn_case('interpolate', case, {'size': size, 'scale_factor': sf, 'mode': mode, 'align_corners': ac, 'recompute_scale_factor': rc, 'input_shape': shape},
                lambda t: F.interpolate(t, size=size, scale_factor=sf, mode=mode, align_corners=ac, recompute_scale_factor=rc), {'input': x},
                f'F.interpolate(input, size={size}, scale_factor={sf}, mode={mode!r}, align_corners={ac}, recompute_scale_factor={rc})', 16, seed)


def randomize_all(m):
    """Every parameter random (the stacked layers are deep copies in torch: this makes them differ)."""
    for name, p in m.named_parameters():
        is_norm = 'norm' in name
        p.copy_(torch.randn(p.shape) * (0.3 if p.dim() > 1 or is_norm else 0.5) + (1.0 if is_norm and name.endswith('weight') else 0.0))


def causal(n):
    return torch.triu(torch.ones(n, n, dtype=torch.bool), 1)


def end_padding(B, S, kpm):
    """Key padding mask [B, S]: the last kpm[b] keys of sequence b are padding (True)."""
    pad = torch.zeros(B, S, dtype=torch.bool)
    for b, k in enumerate(kpm):
        if k:
            pad[b, S - k:] = True
    return pad


def gen_transformer():
    D = [  # d, h, ff, layers, B, T, S, act, norm_first, batch_first, final_norm, tgt_causal, mem_kpm
        (8, 2, 16, 2, 2, 5, 7, 'relu', False, True, True, True, None),
        (12, 3, 20, 1, 1, 4, 3, 'gelu', True, False, False, False, [1]),
        (6, 1, 9, 3, 2, 3, 5, 'relu', True, True, True, True, [0, 2]),
    ]
    for d, h, ff, L, B, T, S, act, nf, bf, fn, tc, kpm in D:
        case = f'd{d}_h{h}_ff{ff}_L{L}_B{B}_T{T}_S{S}_{act}_{"prenorm" if nf else "postnorm"}' + ('' if bf else '_tf') + ('_norm' if fn else '') + ('_causal' if tc else '') + ('_kpm' if kpm else '')
        seed = start('transformer_decoder', case)
        layer = nn.TransformerDecoderLayer(d, h, ff, dropout=0.0, activation=act, batch_first=bf, norm_first=nf)
        m = nn.TransformerDecoder(layer, L, norm=nn.LayerNorm(d) if fn else None)
        tgt = torch.randn(B, T, d) if bf else torch.randn(T, B, d)
        mem = torch.randn(B, S, d) if bf else torch.randn(S, B, d)
        inputs = {'input': tgt, 'memory': mem}
        if tc:
            inputs['tgt_mask'] = causal(T)
        if kpm:
            inputs['memory_key_padding_mask'] = end_padding(B, S, kpm)
        names = list(inputs)

        def call(mod, ins, names=names):
            return mod(ins['input'], ins['memory'], tgt_mask=ins.get('tgt_mask'), memory_key_padding_mask=ins.get('memory_key_padding_mask'))
        module_case('transformer_decoder', case, {'d_model': d, 'nhead': h, 'dim_feedforward': ff, 'num_layers': L, 'dropout': 0.0, 'activation': act,
                                                  'layer_norm_eps': 1e-5, 'batch_first': bf, 'norm_first': nf, 'norm': fn},
                    m, inputs, f'nn.TransformerDecoder(nn.TransformerDecoderLayer({d},{h},{ff},dropout=0,activation={act!r},batch_first={bf},norm_first={nf}),{L},norm={"LayerNorm" if fn else None})(input, memory, ...)',
                    max(d, ff), seed, overwrite=randomize_all, call=call)
    TR = [  # d, h, ff, enc, dec, B, S, T, act, norm_first, batch_first, tgt_causal, src_kpm
        (8, 2, 16, 2, 1, 2, 6, 4, 'relu', False, True, True, [0, 2]),
        (12, 4, 24, 1, 2, 1, 5, 3, 'gelu', True, False, True, None),
    ]
    for d, h, ff, ne, nd, B, S, T, act, nf, bf, tc, kpm in TR:
        case = f'd{d}_h{h}_ff{ff}_enc{ne}_dec{nd}_B{B}_S{S}_T{T}_{act}_{"prenorm" if nf else "postnorm"}' + ('' if bf else '_tf') + ('_causal' if tc else '') + ('_kpm' if kpm else '')
        seed = start('transformer', case)
        m = nn.Transformer(d, h, ne, nd, ff, dropout=0.0, activation=act, batch_first=bf, norm_first=nf)
        src = torch.randn(B, S, d) if bf else torch.randn(S, B, d)
        tgt = torch.randn(B, T, d) if bf else torch.randn(T, B, d)
        inputs = {'input': src, 'tgt': tgt}
        if tc:
            inputs['tgt_mask'] = causal(T)
        if kpm:
            inputs['src_key_padding_mask'] = end_padding(B, S, kpm)
            inputs['memory_key_padding_mask'] = end_padding(B, S, kpm)

        def call(mod, ins):
            return mod(ins['input'], ins['tgt'], tgt_mask=ins.get('tgt_mask'), src_key_padding_mask=ins.get('src_key_padding_mask'),
                       memory_key_padding_mask=ins.get('memory_key_padding_mask'))
        module_case('transformer', case, {'d_model': d, 'nhead': h, 'num_encoder_layers': ne, 'num_decoder_layers': nd, 'dim_feedforward': ff, 'dropout': 0.0,
                                          'activation': act, 'layer_norm_eps': 1e-5, 'batch_first': bf, 'norm_first': nf},
                    m, inputs, f'nn.Transformer({d},{h},{ne},{nd},{ff},dropout=0,activation={act!r},batch_first={bf},norm_first={nf})(input, tgt, ...)',
                    max(d, ff), seed, overwrite=randomize_all, call=call)


def gen_weight_norm():
    W = [  # kind, args, kwargs, dim, input shape
        ('Conv1d', [4, 6, 3], {'padding': 1, 'groups': 2}, 2, [2, 4, 9]),
        ('Conv1d', [3, 5, 4], {'stride': 2}, 0, [1, 3, 11]),
        ('Linear', [7, 5], {}, 0, [3, 7]),
        ('Conv2d', [2, 3, 3], {'padding': 1}, None, [1, 2, 5, 4]),
    ]
    for kind, args, kw, dim, shape in W:
        case = f'{kind.lower()}_{"x".join(map(str, args))}_dim{dim}'
        seed = start('weight_norm', case)
        make = lambda: torch.nn.utils.weight_norm(getattr(nn, kind)(*args, **kw), name='weight', dim=dim)
        m = make()
        with torch.no_grad():
            m.weight_g.copy_(torch.rand(m.weight_g.shape) + 0.5)
        x = torch.randn(shape)
        sd = {k: v.detach().clone() for k, v in m.state_dict().items()}
        f32 = m(x)
        # gf.module_case deep-copies, which the weight_norm'ed module refuses: rebuild in float64 instead.
        md = make().double()
        md.load_state_dict({k: v.double() for k, v in sd.items()})
        ref = md(x.double())
        gf.write_case('weight_norm', case, {'module': kind, 'args': args, 'kwargs': kw, 'name': 'weight', 'dim': dim, 'input_shape': shape},
                      {'input': x}, sd, {'output': ref.detach()}, {'output': f32.detach()}, seed,
                      f'torch.nn.utils.weight_norm(nn.{kind}(*{args}, **{kw}), dim={dim})(input)', 32, extra_meta=META)


GENERATORS = {'pool1d': gen_pool1d, 'adaptive': gen_adaptive, 'norms': gen_norms, 'conv_transpose': gen_conv_transpose, 'interpolate': gen_interpolate, 'transformer': gen_transformer, 'weight_norm': gen_weight_norm}


def main():
    args = sys.argv[1:]
    if '--filter' in args:
        i = args.index('--filter')
        gf.FILTER = set(args[i + 1].split(','))
        del args[i:i + 2]
    gf.OUT = args[0] if args else os.path.join(HERE, '..', 'test', 'fixtures')
    torch.set_num_threads(1)
    for g in GENERATORS.values():
        g()
    counts = {}
    for f in gf.MANIFEST:
        counts[f['op']] = counts.get(f['op'], 0) + 1
    print(counts, sum(counts.values()), 'files,', sum(f['bytes'] for f in gf.MANIFEST), 'bytes')


if __name__ == '__main__':
    main()
