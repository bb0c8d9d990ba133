#!/usr/bin/python3
"""Golden cases (nn-golden/1, shared/golden/README.md) for the data-movement ops, written straight
into test/fixtures/<op>/ with the writer of tools/gen-fixtures.py. Data movement is exact, so the
float64 reference equals PyTorch's float32 result; the cases pin PyTorch's semantics (pad modes,
pixel/channel shuffle orders, scatter reductions, slicing, repeat) on awkward sizes.

    /usr/bin/python3 tools/gen-data-golden.py
"""
import importlib.util
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('gen_fixtures', os.path.join(HERE, 'gen-fixtures.py'))
G = importlib.util.module_from_spec(spec)
spec.loader.exec_module(G)
G.OUT = os.path.join(HERE, '..', 'test', 'fixtures')
G.GENERATOR = 'tools/gen-data-golden.py'


def case(op, name, params, fn, inputs, call):
    G.fn_case(op, name, params, fn, inputs, call, 1, G.start(op, name))


def randn(*s):
    return torch.randn(*s)


def main():
    for shape, pad, mode in [((2, 3, 7), [2, 3], 'reflect'), ((1, 2, 5, 6), [1, 2, 3, 1], 'reflect'),
                             ((2, 3, 7), [3, 1], 'replicate'), ((1, 2, 5, 6), [2, 0, 1, 4], 'replicate'),
                             ((2, 3, 7), [4, 2], 'circular'), ((1, 2, 5, 6), [1, 2, 2, 1], 'circular'),
                             ((1, 1, 3, 5, 4), [1, 1, 2, 0, 1, 1], 'replicate'),
                             ((2, 3, 5, 4), [1, -2, 0, 3], 'constant')]:
        name = f"{mode}_{'x'.join(map(str, shape))}_p{'_'.join(map(str, pad))}"
        case('pad', name, {'pad': pad, 'mode': mode, 'value': 0.5 if mode == 'constant' else None},
             lambda x, p=pad, m=mode: F.pad(x, p, m, 0.5) if m == 'constant' else F.pad(x, p, m),
             {'input': randn(*shape)}, f'F.pad(input, {pad}, {mode!r})')
    for shape, r in [((2, 9, 3, 5), 3), ((1, 3, 8, 2, 3), 2)]:
        case('pixel_shuffle', f"r{r}_{'x'.join(map(str, shape))}", {'upscale_factor': r},
             lambda x, r=r: F.pixel_shuffle(x, r), {'input': randn(*shape)}, f'F.pixel_shuffle(input, {r})')
    case('pixel_unshuffle', 'r3_2x2x6x9', {'downscale_factor': 3}, lambda x: F.pixel_unshuffle(x, 3),
         {'input': randn(2, 2, 6, 9)}, 'F.pixel_unshuffle(input, 3)')
    case('channel_shuffle', 'g3_2x6x5x3', {'groups': 3}, lambda x: nn.ChannelShuffle(3)(x),
         {'input': randn(2, 6, 5, 3)}, 'nn.ChannelShuffle(3)(input)')
    for k in (0, 2, -1):
        case('tril', f'k{k}_2x5x7', {'diagonal': k}, lambda x, k=k: torch.tril(x, k), {'input': randn(2, 5, 7)}, f'torch.tril(input, {k})')
        case('triu', f'k{k}_3x7x4', {'diagonal': k}, lambda x, k=k: torch.triu(x, k), {'input': randn(3, 7, 4)}, f'torch.triu(input, {k})')
    case('permute', 'p2031_3x5x2x7', {'dims': [2, 0, 3, 1]}, lambda x: x.permute(2, 0, 3, 1).contiguous(),
         {'input': randn(3, 5, 2, 7)}, 'input.permute(2, 0, 3, 1).contiguous()')
    case('cat', 'dim1_3x5x7_3x2x7', {'dim': 1}, lambda a, b: torch.cat([a, b], 1),
         {'input': randn(3, 5, 7), 'other': randn(3, 2, 7)}, 'torch.cat([input, other], 1)')
    case('cat', 'dim-1_transposed', {'dim': -1, 'transpose_other': [0, 1]}, lambda a, b: torch.cat([a, b.transpose(0, 1)], -1),
         {'input': randn(4, 3), 'other': randn(3, 4)}, 'torch.cat([input, other.transpose(0, 1)], -1)')
    case('repeat', 's2_1_3_x3x5', {'sizes': [2, 1, 3]}, lambda x: x.repeat(2, 1, 3), {'input': randn(3, 5)}, 'input.repeat(2, 1, 3)')
    case('slice', 'dim1_1_n1_s2_4x9x3', {'dim': 1, 'start': 1, 'end': -1, 'step': 2}, lambda x: x[:, 1:-1:2].contiguous(),
         {'input': randn(4, 9, 3)}, 'input[:, 1:-1:2]')
    case('gather', 'dim1_3x5x4', {'dim': 1}, lambda x, i: torch.gather(x, 1, i),
         {'input': randn(3, 5, 4), 'index': torch.randint(0, 5, (3, 6, 2))}, 'torch.gather(input, 1, index)')
    case('index_select', 'dim0_7x3', {'dim': 0}, lambda x, i: torch.index_select(x, 0, i),
         {'input': randn(7, 3), 'index': torch.tensor([6, 0, 3, 3, 1])}, 'torch.index_select(input, 0, index)')
    for reduce in (None, 'add', 'multiply'):
        call = (lambda x, i, s: torch.scatter(x, 1, i, s)) if reduce is None else (lambda x, i, s, r=reduce: torch.scatter(x, 1, i, s, reduce=r))
        idx = torch.stack([torch.randperm(6)[:4] for _ in range(3)])
        case('scatter', f"dim1_{reduce or 'none'}_3x6", {'dim': 1, 'reduce': reduce}, call,
             {'input': randn(3, 6), 'index': idx, 'src': randn(3, 5)}, f'torch.scatter(input, 1, index, src, reduce={reduce!r})')
    case('expand', '3x1x5_to_2x3x4x5', {'sizes': [2, 3, 4, 5]}, lambda x: x.expand(2, 3, 4, 5).contiguous(),
         {'input': randn(3, 1, 5)}, 'input.expand(2, 3, 4, 5)')


if __name__ == '__main__':
    main()
