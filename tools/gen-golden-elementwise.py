#!/usr/bin/python3
"""Golden cases of the elementwise family (activations, binary arithmetic with broadcasting,
unary math, reductions over dim sets) in the format of shared/golden/README.md (nn-golden/1),
float64 references.

Run by hand with Debian's PyTorch 1.13 (torch is not a JS dependency):

    /usr/bin/python3 tools/gen-golden-elementwise.py [OUT_DIR=test/fixtures] [--filter OP[,OP]]

Writes OUT_DIR/<op>/<case>.safetensors (small files: KBs). The writer, the float64 reference and
the tolerance rule are those of tools/gen-fixtures.py (imported, not copied); seeds are crc32 of
"elementwise/<op>/<case>". The conformance runners are tools/conformance/ops/elementwise.ts.
"""
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

META = {'set': 'elementwise', 'generator': 'tools/gen-golden-elementwise.py'}


start, fn_case = gf.family('elementwise', META)
shape_name = gf.shape_name


ACTIVATIONS = [
    ('relu6', {}, lambda t, p: F.relu6(t), 'F.relu6(input)'),
    ('hardtanh', {'min_val': -0.5, 'max_val': 2.0}, lambda t, p: F.hardtanh(t, p['min_val'], p['max_val']), 'F.hardtanh(input,-0.5,2.0)'),
    ('hardswish', {}, lambda t, p: F.hardswish(t), 'F.hardswish(input)'),
    ('hardsigmoid', {}, lambda t, p: F.hardsigmoid(t), 'F.hardsigmoid(input)'),
    ('mish', {}, lambda t, p: F.mish(t), 'F.mish(input)'),
    ('elu', {'alpha': 0.7}, lambda t, p: F.elu(t, p['alpha']), 'F.elu(input,0.7)'),
    ('selu', {}, lambda t, p: F.selu(t), 'F.selu(input)'),
    ('celu', {'alpha': 1.3}, lambda t, p: F.celu(t, p['alpha']), 'F.celu(input,1.3)'),
    ('softplus', {'beta': 2.0, 'threshold': 5.0}, lambda t, p: F.softplus(t, p['beta'], p['threshold']), 'F.softplus(input,2.0,5.0)'),
    ('softsign', {}, lambda t, p: F.softsign(t), 'F.softsign(input)'),
    ('hardshrink', {'lambd': 0.4}, lambda t, p: F.hardshrink(t, p['lambd']), 'F.hardshrink(input,0.4)'),
    ('softshrink', {'lambd': 0.6}, lambda t, p: F.softshrink(t, p['lambd']), 'F.softshrink(input,0.6)'),
    ('threshold', {'threshold': 0.3, 'value': -1.0}, lambda t, p: F.threshold(t, p['threshold'], p['value']), 'F.threshold(input,0.3,-1.0)'),
    ('glu', {'dim': 1}, lambda t, p: F.glu(t, p['dim']), 'F.glu(input,1)'),
    ('exp', {}, lambda t, p: torch.exp(t), 'torch.exp(input)'),
    ('log', {'abs': True}, lambda t, p: torch.log(t.abs()), 'torch.log(input.abs())'),
    ('erf', {}, lambda t, p: torch.erf(t), 'torch.erf(input)'),
    ('sin', {}, lambda t, p: torch.sin(t), 'torch.sin(input)'),
    ('cos', {}, lambda t, p: torch.cos(t), 'torch.cos(input)'),
]


def gen_activations():
    for op, params, fn, call in ACTIVATIONS:
        shape = [2, 6, 17] if op == 'glu' else [2, 3, 17]
        case = shape_name(shape)
        seed = start(op, case)
        x = torch.randn(shape) * 3
        fn_case(op, case, {**params, 'input_shape': shape}, lambda t, fn=fn, params=params: fn(t, params), {'input': x}, call, 1, seed)
    for shape, n in [([2, 3, 5, 4], 3), ([4, 7], 1)]:
        case = f'{shape_name(shape)}_n{n}'
        seed = start('prelu', case)
        x = torch.randn(shape)
        m = nn.PReLU(n)

        def over(mod):
            mod.weight.copy_(torch.rand(mod.weight.shape) * 0.5)
        gf.module_case('prelu', case, {'num_parameters': n, 'input_shape': shape}, lambda m=m: m, {'input': x}, ['output'],
                       f'nn.PReLU({n})(input)', 1, seed, overwrite=over, extra_meta=META)


BINARY = [
    ('sub', lambda a, b: torch.sub(a, b)),
    ('div', lambda a, b: torch.div(a, b)),
    ('pow', lambda a, b: torch.pow(a.abs() + 0.1, b)),
    ('maximum', torch.maximum),
    ('minimum', torch.minimum),
]


def gen_binary():
    for op, fn in BINARY:
        for sa, sb in [([2, 3, 5], [3, 1]), ([4, 1, 7], [2, 7]), ([9], [])]:
            case = f'{shape_name(sa)}_{shape_name(sb) or "scalar"}'
            seed = start(op, case)
            a = torch.randn(sa)
            b = torch.randn(sb) + (2.0 if op == 'div' else 0.0)
            fn_case(op, case, {'input_shape': sa, 'other_shape': sb}, fn, {'input': a, 'other': b},
                    f'torch.{op}(input,other)' + (' on input.abs()+0.1' if op == 'pow' else ''), 1, seed)


REDUCTIONS = [
    ('sum', [0, 2], True, lambda t, d, k: torch.sum(t, d, keepdim=k)),
    ('mean', [-1], False, lambda t, d, k: torch.mean(t, d, keepdim=k)),
    ('amax', [1, 2], False, lambda t, d, k: torch.amax(t, d, keepdim=k)),
    ('amin', [0], True, lambda t, d, k: torch.amin(t, d, keepdim=k)),
    ('logsumexp', [1], False, lambda t, d, k: torch.logsumexp(t, d, keepdim=k)),
    ('norm', [1, 2], False, lambda t, d, k: torch.norm(t, 2, d, keepdim=k)),
    ('prod', [1], True, lambda t, d, k: torch.prod(t, d[0], keepdim=k)),
]


def gen_reductions():
    shape = [3, 5, 7]
    for op, dims, keep, fn in REDUCTIONS:
        case = f'{shape_name(shape)}_dim{"_".join(map(str, dims))}_{"keep" if keep else "nokeep"}'
        seed = start(op, case)
        x = torch.randn(shape) if op != 'prod' else torch.rand(shape) + 0.5
        r = 1
        for d in dims:
            r *= shape[d]
        fn_case(op, case, {'dim': dims, 'keepdim': keep, 'input_shape': shape}, lambda t, fn=fn, dims=dims, keep=keep: fn(t, dims, keep),
                {'input': x}, f'torch.{op}(input,{dims},keepdim={keep})', r, seed)


GENERATORS = {'activations': gen_activations, 'binary': gen_binary, 'reductions': gen_reductions}


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
