#!/usr/bin/python3
"""Deterministic generator of golden cases (format of shared/golden/README.md, nn-golden/1).

Run by hand with Debian's PyTorch (torch is not a JS dependency):

    /usr/bin/python3 tools/gen-fixtures.py [OUT_DIR=/tmp/heldout] [--filter OP]

Writes OUT_DIR/<op>/<case>.safetensors and OUT_DIR/manifest.json. The cases use awkward sizes
(1, 3, 5, 7, 13, 17, 31, 33, 65, 127, ...) and edge cases, with seeds that differ from the public
set (crc32 of "heldout/<op>/<case>"). The reference is the module/function converted with
.double() run on the stored float32 inputs and weights, rounded to float32; tol follows the
README rule max(1e-4*max(1, reduction_len/2048), 10*torch_f32_err) rounded up to 1/2/5 x 10^k.
Small cases can be copied into test/fixtures/<op>/ (keep each < 100 KB).
"""
import copy
import hashlib
import json
import math
import os
import struct
import sys
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F

GENERATOR = 'tools/gen-fixtures.py'
DTYPES = {torch.float32: ('F32', 4), torch.int64: ('I64', 8), torch.bool: ('BOOL', 1), torch.int32: ('I32', 4), torch.uint8: ('U8', 1)}
NP_NAMES = {'F32': 'float32', 'I64': 'int64', 'BOOL': 'bool', 'I32': 'int32', 'U8': 'uint8'}
REFERENCE = ('float64 evaluation of the PyTorch module/function on the stored float32 inputs and weights '
             '(converted exactly), output rounded to float32')
TOL_RULE = 'pass iff for every element |out-ref| <= tol*(1+|ref|); NaN/+-inf must match exactly'

OUT = '/tmp/heldout'
FILTER = None
MANIFEST = []


def seed_of(op, case):
    return zlib.crc32(f'heldout/{op}/{case}'.encode()) & 0x7FFFFFFF


def round_tol(x):
    """Round up to 1, 2 or 5 x 10^k."""
    k = math.floor(math.log10(x))
    for m in (1, 2, 5, 10):
        v = m * 10.0 ** k
        if v >= x * (1 - 1e-12):
            return float(f'{v:.0e}')
    return float(f'{10.0 ** (k + 1):.0e}')


def rel_err(got, ref):
    got = got.double()
    ref = ref.float().double()  # the stored reference (overflow to inf happens in both)
    fin = torch.isfinite(ref) & torch.isfinite(got)
    if not torch.equal(torch.isfinite(ref), torch.isfinite(got)):
        return 1.0  # torch's own float32 gives inf/NaN where the reference does not (or vice versa)
    if not fin.any():
        return 0.0
    e = ((got - ref).abs() / (1 + ref.abs()))[fin]
    return float(e.max()) if e.numel() else 0.0


def tensor_bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bool:
        return bytes(t.to(torch.uint8).flatten().tolist())
    return t.numpy().tobytes()


def write_case(op, case, params, inputs, state_dict, ref_outputs, f32_outputs, seed, torch_call,
               reduction_len, notes=None, extra_meta=None):
    """inputs/state_dict/ref_outputs: ordered dicts name -> tensor (outputs already float64)."""
    if FILTER and op not in FILTER:
        return
    outputs = {k: v.detach().to(torch.float32) if v.dtype == torch.float64 else v for k, v in ref_outputs.items()}
    errs = {k: float(f'{rel_err(f32_outputs[k], ref_outputs[k]):.2g}') for k in ref_outputs}
    tol = round_tol(max(1e-4 * max(1.0, reduction_len / 2048), 10 * max(errs.values())))
    tensors = {}
    for group in (inputs, state_dict, outputs):
        for k, v in group.items():
            assert k not in tensors, k
            tensors[k] = v.detach()
    order = sorted(tensors, key=lambda k: -DTYPES[tensors[k].dtype][1])  # stable: decreasing element size
    meta = {
        'format': 'nn-golden/1', 'op': op, 'case': case, 'set': 'heldout',
        'params': json.dumps(params, separators=(',', ':')),
        'inputs': json.dumps(list(inputs)), 'state_dict': json.dumps(list(state_dict)),
        'outputs': json.dumps(list(outputs)), 'torch_call': torch_call,
        'reference_dtype': 'float64', 'reference': REFERENCE, 'tol': repr(tol), 'tol_rule': TOL_RULE,
        'torch_f32_err': json.dumps(errs, separators=(',', ':')), 'reduction_len': str(reduction_len),
        'seed': str(seed), 'torch_version': '1.13.1',
        'torch_build': f'torch.__version__={torch.__version__}', 'generator': GENERATOR,
    }
    if notes:
        meta['notes'] = notes
    meta.update(extra_meta or {})
    header = {'__metadata__': meta}
    blobs = []
    off = 0
    for k in order:
        t = tensors[k]
        b = tensor_bytes(t)
        header[k] = {'dtype': DTYPES[t.dtype][0], 'shape': list(t.shape), 'data_offsets': [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * ((8 - (8 + len(h)) % 8) % 8)
    data = struct.pack('<Q', len(h)) + h + b''.join(blobs)
    os.makedirs(f'{OUT}/{op}', exist_ok=True)
    path = f'{op}/{case}.safetensors'
    with open(f'{OUT}/{path}', 'wb') as f:
        f.write(data)
    MANIFEST.append({'path': path, 'op': op, 'case': case, 'bytes': len(data),
                     'sha256': hashlib.sha256(data).hexdigest(), 'seed': seed, 'tol': tol,
                     'torch_f32_err': errs, 'inputs': list(inputs), 'state_dict': list(state_dict),
                     'outputs': list(outputs), 'params': params,
                     'tensors': {k: {'dtype': NP_NAMES[DTYPES[tensors[k].dtype][0]], 'shape': list(tensors[k].shape)} for k in order}})


def as_tuple(out):
    return out if isinstance(out, tuple) else (out,)


def module_case(op, case, params, make, inputs, out_names, torch_call, reduction_len, seed, overwrite=None,
                call=None, notes=None, extra_meta=None):
    """make(): module built under the seed (default init); overwrite(m): random non-trivial params."""
    m = make().eval()
    if overwrite:
        with torch.no_grad():
            overwrite(m)
    call = call or (lambda mod, ins: mod(*ins.values()))
    sd = {k: v.detach().clone() for k, v in m.state_dict().items()}
    # grad stays enabled: keeps nn.MultiheadAttention / TransformerEncoderLayer off the eval fast path
    f32 = as_tuple(call(m, inputs))
    md = copy.deepcopy(m).double()
    ind = {k: (v.double() if v.dtype == torch.float32 else v) for k, v in inputs.items()}
    ref = as_tuple(call(md, ind))
    pairs = [(n, r, f) for n, r, f in zip(out_names, ref, f32) if n is not None]
    write_case(op, case, params, inputs, sd, {n: r.detach() for n, r, _ in pairs}, {n: f.detach() for n, _, f in pairs},
               seed, torch_call, reduction_len, notes, extra_meta)


def fn_case(op, case, params, fn, inputs, torch_call, reduction_len, seed, notes=None, extra_meta=None):
    f32 = fn(*inputs.values())
    ref = fn(*[(v.double() if v.dtype == torch.float32 else v) for v in inputs.values()])
    write_case(op, case, params, inputs, {}, {'output': ref}, {'output': f32}, seed, torch_call, reduction_len, notes,
               extra_meta)


def shape_name(shape):
    return 'x'.join(map(str, shape))


def family(prefix, meta):
    """start() and fn_case() of a generator family: seeds are crc32 of "<prefix>/<op>/<case>" and
    every case carries the family's metadata (the tools/gen-golden-*.py generators)."""
    def family_start(op, case):
        s = zlib.crc32(f'{prefix}/{op}/{case}'.encode()) & 0x7FFFFFFF
        torch.manual_seed(s)
        return s

    def family_fn_case(op, case, params, fn, inputs, torch_call, reduction_len, seed):
        fn_case(op, case, params, fn, inputs, torch_call, reduction_len, seed, extra_meta=meta)

    return family_start, family_fn_case


def start(op, case):
    s = seed_of(op, case)
    torch.manual_seed(s)
    return s


def randomize(*ps, scale=1.0, offset=0.0):
    for p in ps:
        p.copy_(torch.randn(p.shape) * scale + offset)


# ---------------------------------------------------------------------------------------------
def gen_linear():
    for shape, fin, fout, bias in [([5], 5, 3, True), ([1], 1, 1, True), ([3, 1], 1, 7, False), ([7, 13], 13, 1, True),
                                    ([2, 3, 17], 17, 33, True), ([31, 127], 127, 65, True), ([127], 127, 127, False),
                                    ([1, 1, 33], 33, 5, True), ([3, 5, 7, 9], 9, 17, True), ([65, 1031], 1031, 13, True),
                                    ([17, 3001], 3001, 5, False),
                                    ([129, 257], 257, 131, True), ([2, 67, 33], 33, 65, True), ([5, 9], 9, 4099, True)]:
        case = f'in{fin}_out{fout}_{"bias" if bias else "nobias"}_x{"x".join(map(str, shape))}'
        s = start('linear', case)
        make = lambda: nn.Linear(fin, fout, bias=bias)
        m0 = make()
        torch.manual_seed(s)
        x = torch.randn(shape)
        torch.manual_seed(s + 1)
        module_case('linear', case, {'in_features': fin, 'out_features': fout, 'bias': bias, 'input_shape': shape},
                    lambda: copy.deepcopy(m0), {'input': x}, ['output'], f'nn.Linear({fin},{fout},bias={bias})(input)', fin, s)


def gen_matmul():
    for a, b in [([17], [17]), ([1], [1]), ([13], [13, 3]), ([3], [2, 3, 5]), ([2, 3, 7], [7]), ([5, 3], [3]),
                 ([1, 1], [1, 1]), ([3, 17], [17, 33]), ([33, 1], [1, 17]), ([2, 1, 5, 13], [3, 13, 7]),
                 ([3, 1, 17], [1, 17, 2]), ([4, 3, 1, 5], [3, 5, 3]), ([31, 65], [65, 127]), ([2, 2, 17, 33], [33, 3]),
                 ([3, 33], [2, 3, 33, 17]), ([1, 2049], [2049, 3]), ([5, 4097], [4097, 5]),
                 ([3, 65, 129], [129, 67]), ([129], [2, 129, 33]), ([2, 3, 67, 31], [1, 3, 31, 129]), ([257, 63], [63, 255])]:
        case = f'{"x".join(map(str, a))}_at_{"x".join(map(str, b))}'
        s = start('matmul', case)
        x, y = torch.randn(a), torch.randn(b)
        fn_case('matmul', case, {'input_shape': a, 'other_shape': b}, torch.matmul, {'input': x, 'other': y},
                'torch.matmul(input, other)', a[-1], s)


def conv_case(op, n, cin, cout, hw, k, s_, p, d, g, bias):
    dims = len(hw)
    Conv = nn.Conv2d if dims == 2 else nn.Conv1d
    ps = p if isinstance(p, str) else f'p{"x".join(map(str, p))}'
    if dims == 2:
        case = f'b{n}_c{cin}to{cout}_{hw[0]}x{hw[1]}_k{k[0]}x{k[1]}_s{s_[0]}x{s_[1]}_{ps}_d{d[0]}x{d[1]}_g{g}_{"bias" if bias else "nobias"}'
    else:
        case = f'b{n}_c{cin}to{cout}_L{hw[0]}_k{k[0]}_s{s_[0]}_{ps}_d{d[0]}_g{g}_{"bias" if bias else "nobias"}'
    seed = start(op, case)
    m0 = Conv(cin, cout, k, stride=s_, padding=p, dilation=d, groups=g, bias=bias)
    shape = [n, cin] + hw
    x = torch.randn(shape)
    params = {'in_channels': cin, 'out_channels': cout, 'kernel_size': k, 'stride': s_, 'padding': p, 'dilation': d,
              'groups': g, 'bias': bias, 'padding_mode': 'zeros', 'input_shape': shape}
    red = cin // g * math.prod(k)
    module_case(op, case, params, lambda: copy.deepcopy(m0), {'input': x}, ['output'],
                f'nn.{Conv.__name__}(**params)(input)', red, seed)


def gen_conv():
    C2 = [
        (1, 3, 5, [7, 7], [3, 3], [1, 1], [1, 1], [1, 1], 1, True),
        (3, 5, 7, [13, 17], [3, 3], [2, 2], [1, 1], [1, 1], 1, True),
        (2, 7, 13, [9, 11], [1, 1], [2, 2], [0, 0], [1, 1], 1, False),
        (1, 17, 33, [5, 7], [1, 1], [1, 1], [0, 0], [1, 1], 1, True),
        (2, 6, 9, [11, 10], [3, 3], [1, 1], [1, 1], [1, 1], 3, True),
        (1, 13, 13, [17, 15], [3, 3], [1, 1], [1, 1], [1, 1], 13, True),
        (2, 5, 15, [9, 9], [3, 3], [2, 2], [1, 1], [1, 1], 5, False),
        (1, 7, 21, [13, 13], [5, 5], [1, 1], [2, 2], [1, 1], 7, True),
        (1, 4, 6, [17, 19], [3, 3], [2, 2], [2, 2], [2, 2], 1, True),
        (1, 3, 5, [13, 13], [3, 3], [2, 2], [0, 0], [2, 2], 1, True),
        (1, 5, 7, [9, 8], [4, 4], [1, 1], 'same', [1, 1], 1, True),
        (2, 3, 4, [7, 6], [2, 2], [1, 1], 'same', [1, 1], 1, False),
        (1, 3, 5, [10, 9], [4, 2], [1, 1], 'same', [2, 3], 1, True),
        (1, 6, 6, [8, 7], [3, 3], [1, 1], 'same', [1, 1], 3, True),
        (1, 5, 3, [3, 3], [5, 5], [1, 1], [1, 1], [1, 1], 1, True),
        (2, 3, 4, [2, 2], [3, 3], [1, 1], [1, 1], [1, 1], 1, True),
        (1, 3, 2, [1, 1], [3, 3], [1, 1], [1, 1], [1, 1], 1, True),
        (1, 2, 3, [1, 5], [1, 3], [1, 2], [0, 1], [1, 1], 1, True),
        (1, 3, 4, [6, 6], [3, 3], [3, 3], [0, 0], [1, 1], 1, True),
        (1, 4, 4, [8, 8], [3, 3], [1, 1], 'valid', [3, 3], 1, True),
        (1, 1, 1, [5, 5], [2, 2], [2, 2], [1, 1], [1, 1], 1, False),
        (1, 33, 17, [7, 9], [3, 3], [1, 1], [1, 1], [1, 1], 1, True),
        (1, 65, 31, [5, 5], [3, 3], [1, 1], [1, 1], [1, 1], 1, True),
        (2, 9, 9, [9, 9], [7, 7], [2, 3], [3, 2], [1, 1], 1, True),
        (1, 128, 3, [6, 6], [5, 5], [1, 1], [2, 2], [1, 1], 1, True),
        (1, 3, 6, [11, 11], [3, 5], [2, 1], [1, 2], [2, 1], 3, True),
        (1, 8, 16, [33, 33], [3, 3], [1, 1], [1, 1], [1, 1], 8, False),
        (1, 3, 64, [67, 67], [7, 7], [2, 2], [3, 3], [1, 1], 1, True),
        (1, 64, 67, [15, 15], [3, 3], [1, 1], [1, 1], [1, 1], 1, True),
        (2, 33, 33, [29, 31], [3, 3], [2, 2], [1, 1], [1, 1], 33, True),
        (1, 17, 51, [23, 19], [5, 5], [2, 2], [2, 2], [2, 2], 17, True),
        (1, 96, 96, [14, 14], [3, 3], [1, 1], [1, 1], [1, 1], 96, True),
        (1, 129, 65, [9, 9], [1, 1], [1, 1], [0, 0], [1, 1], 1, True),
        (1, 130, 10, [5, 7], [3, 3], [1, 1], [1, 1], [1, 1], 10, True),
        (2, 12, 8, [9, 9], [3, 3], [2, 2], [1, 1], [1, 1], 4, True),
        (1, 256, 17, [5, 5], [3, 3], [1, 1], [1, 1], [1, 1], 1, False),
        (1, 4, 4, [1, 17], [1, 5], [1, 1], 'same', [1, 1], 1, True),
        (1, 4, 6, [17, 1], [3, 1], [2, 1], [1, 0], [1, 1], 2, True),
        # depthwise with the specialised 3x3 / 5x5 kernels under unequal strides and paddings
        (1, 5, 5, [13, 14], [3, 3], [2, 1], [1, 1], [1, 1], 5, True),
        (2, 6, 6, [11, 17], [3, 3], [1, 2], [1, 1], [1, 1], 6, True),
        (1, 7, 14, [19, 13], [3, 3], [3, 2], [1, 0], [1, 1], 7, True),
        (1, 5, 5, [15, 16], [5, 5], [2, 1], [2, 1], [1, 1], 5, False),
        (1, 4, 8, [9, 21], [5, 5], [1, 2], [0, 2], [1, 1], 4, True),
        (1, 3, 3, [10, 10], [3, 3], [1, 1], [0, 1], [1, 1], 3, True),
        (1, 3, 3, [10, 10], [5, 5], [2, 2], [2, 0], [1, 1], 3, True),
        (1, 3, 6, [7, 9], [3, 3], [1, 1], 'same', [1, 1], 3, True),
        (1, 9, 9, [4, 33], [3, 3], [1, 2], [1, 1], [1, 1], 9, True),
        (1, 4, 4, [2, 2], [5, 5], [2, 2], [2, 2], [1, 1], 4, True),
        (1, 4, 4, [1, 1], [3, 3], [1, 1], [1, 1], [1, 1], 4, True),
        (1, 2, 2, [3, 40], [3, 3], [2, 1], [1, 1], [1, 1], 2, True),
    ]
    for c in C2:
        conv_case('conv2d', *c)
    C1 = [
        (1, 3, 5, [17], [3], [1], [1], [1], 1, True),
        (3, 5, 7, [13], [5], [2], [2], [1], 1, False),
        (2, 7, 7, [31], [3], [1], [2], [2], 7, True),
        (1, 5, 10, [33], [3], [1], [1], [1], 5, True),
        (1, 6, 9, [16], [1], [2], [0], [1], 3, True),
        (2, 3, 4, [11], [4], [1], 'same', [1], 1, True),
        (1, 3, 4, [9], [2], [1], 'same', [3], 1, True),
        (1, 3, 5, [15], [3], [2], [2], [2], 1, True),
        (1, 2, 3, [1], [3], [1], [1], [1], 1, True),
        (1, 2, 3, [3], [5], [1], [1], [1], 1, False),
        (1, 1, 1, [127], [7], [3], [3], [1], 1, True),
        (2, 65, 33, [20], [3], [1], [1], [1], 1, True),
        (1, 4, 4, [12], [3], [1], 'valid', [1], 2, True),
        (2, 64, 65, [127], [5], [2], [2], [1], 1, True),
        (1, 33, 33, [65], [7], [1], 'same', [2], 33, True),
        (1, 16, 32, [257], [3], [1], [1], [1], 16, False),
        (1, 300, 7, [9], [3], [1], [0], [1], 1, True),
    ]
    for c in C1:
        conv_case('conv1d', *c)


def out_size(H, k, s, p, d, ceil):
    o = (H + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil else 0)) // s + 1
    if ceil and (o - 1) * s >= H + p:
        o -= 1
    return o


def gen_pool():
    MP = [  # shape, k, s, p, d, ceil, fill
        ([1, 3, 13, 13], [3, 3], [2, 2], [1, 1], [1, 1], True, None),
        ([2, 5, 7, 9], [2, 2], [2, 2], [0, 0], [1, 1], True, None),
        ([1, 3, 17, 17], [3, 3], [2, 2], [1, 1], [2, 2], False, 'all_negative'),
        ([1, 3, 17, 11], [3, 3], [3, 3], [1, 1], [2, 2], True, None),
        ([1, 2, 5, 5], [5, 5], [1, 1], [2, 2], [1, 1], False, 'all_negative'),
        ([1, 2, 1, 1], [1, 1], [1, 1], [0, 0], [1, 1], False, None),
        ([1, 2, 1, 3], [3, 3], [2, 2], [1, 1], [1, 1], True, 'all_negative'),
        ([3, 1, 31, 33], [4, 4], [3, 3], [2, 2], [1, 1], True, None),
        ([1, 7, 6, 6], [2, 3], [2, 1], [1, 1], [1, 2], True, 'all_negative'),
        ([1, 4, 65, 33], [3, 3], [2, 2], [0, 0], [1, 1], False, None),
        ([1, 3, 10, 10], [3, 3], [4, 4], [1, 1], [1, 1], True, None),
        ([2, 33, 57, 57], [3, 3], [2, 2], [1, 1], [1, 1], False, None),
        ([1, 5, 9, 9], [1, 1], [2, 2], [0, 0], [1, 1], False, None),
        ([1, 3, 8, 8], [2, 2], [3, 3], [1, 1], [3, 3], True, 'all_negative'),
        ([1, 2, 7, 7], [7, 7], [1, 1], [3, 3], [1, 1], True, 'all_negative'),
    ]
    for shape, k, s_, p, d, ceil, fill in MP:
        case = f'{"x".join(map(str, shape))}_k{k[0]}x{k[1]}_s{s_[0]}x{s_[1]}_p{p[0]}x{p[1]}_d{d[0]}x{d[1]}' + ('_ceil' if ceil else '') + (f'_{fill}' if fill else '')
        seed = start('maxpool2d', case)
        x = torch.randn(shape)
        if fill:
            x = -x.abs() - 1
        params = {'kernel_size': k, 'stride': s_, 'padding': p, 'ceil_mode': ceil, 'input_shape': shape, 'dilation': d}
        if fill:
            params['input_fill'] = fill
        fn_case('maxpool2d', case, params, lambda t: F.max_pool2d(t, k, s_, p, d, ceil_mode=ceil), {'input': x},
                f'nn.MaxPool2d({k},{s_},{p},{d},ceil_mode={ceil})(input)', k[0] * k[1], seed)
    AP = [  # shape, k, s, p, ceil, cip
        ([1, 3, 13, 13], [3, 3], [2, 2], [1, 1], True, True),
        ([1, 3, 13, 13], [3, 3], [2, 2], [1, 1], True, False),
        ([2, 5, 7, 9], [2, 2], [2, 2], [0, 0], True, True),
        ([1, 3, 17, 11], [4, 4], [3, 3], [2, 2], True, True),
        ([1, 3, 17, 11], [4, 4], [3, 3], [2, 2], True, False),
        ([1, 2, 5, 5], [5, 5], [1, 1], [2, 2], False, True),
        ([1, 2, 5, 5], [5, 5], [1, 1], [2, 2], False, False),
        ([1, 2, 1, 1], [1, 1], [1, 1], [0, 0], False, True),
        ([1, 2, 1, 3], [3, 3], [2, 2], [1, 1], True, False),
        ([3, 1, 31, 33], [3, 2], [2, 3], [1, 1], True, True),
        ([1, 7, 6, 7], [3, 3], [4, 4], [1, 1], True, True),
        ([1, 4, 65, 33], [7, 7], [2, 2], [3, 3], False, False),
        ([1, 3, 10, 10], [3, 3], [4, 4], [1, 1], True, False),
        ([2, 33, 57, 57], [3, 3], [2, 2], [1, 1], False, True),
        ([1, 5, 9, 9], [1, 1], [2, 2], [0, 0], False, True),
        ([1, 2, 7, 7], [7, 7], [1, 1], [3, 3], True, False),
        ([1, 2, 6, 6], [2, 2], [3, 3], [1, 1], True, True),
        ([1, 1, 5, 5], [3, 3], [3, 3], [1, 1], True, False),
    ]
    for shape, k, s_, p, ceil, cip in AP:
        case = f'{"x".join(map(str, shape))}_k{k[0]}x{k[1]}_s{s_[0]}x{s_[1]}_p{p[0]}x{p[1]}_{"cip" if cip else "nocip"}' + ('_ceil' if ceil else '')
        seed = start('avgpool2d', case)
        x = torch.randn(shape)
        params = {'kernel_size': k, 'stride': s_, 'padding': p, 'ceil_mode': ceil, 'input_shape': shape, 'count_include_pad': cip}
        fn_case('avgpool2d', case, params, lambda t: F.avg_pool2d(t, k, s_, p, ceil_mode=ceil, count_include_pad=cip),
                {'input': x}, f'nn.AvgPool2d({k},{s_},{p},ceil_mode={ceil},count_include_pad={cip})(input)', k[0] * k[1], seed)
    for shape in ([1, 1, 1, 1], [3, 5, 1, 7], [2, 3, 13, 17], [1, 17, 33, 65], [1, 2, 64, 65]):
        case = f'{"x".join(map(str, shape))}_to1x1'
        seed = start('adaptive_avg_pool2d', case)
        x = torch.randn(shape)
        fn_case('adaptive_avg_pool2d', case, {'output_size': [1, 1], 'input_shape': shape},
                lambda t: F.adaptive_avg_pool2d(t, [1, 1]), {'input': x}, 'nn.AdaptiveAvgPool2d((1,1))(input)',
                shape[2] * shape[3], seed)


def gen_batchnorm():
    for shape, eps, affine in [([1, 1, 1, 1], 1e-5, True), ([3, 3, 5, 7], 1e-3, True), ([2, 13, 1, 1], 0.1, False),
                               ([1, 17, 9, 9], 1e-5, True), ([2, 33, 3, 5], 1e-5, False), ([1, 5, 31, 17], 1e-5, True)]:
        c = shape[1]
        case = f'{"x".join(map(str, shape))}_eps{eps:g}_{"affine" if affine else "noaffine"}'
        seed = start('batchnorm2d', case)

        def over(m):
            if affine:
                randomize(m.weight, m.bias)
            randomize(m.running_mean)
            m.running_var.copy_(torch.rand(c) * 2 + 0.05)
            m.num_batches_tracked.fill_(7)
        x = torch.randn(shape)
        m0 = nn.BatchNorm2d(c, eps=eps, affine=affine)
        module_case('batchnorm2d', case, {'num_features': c, 'eps': eps, 'momentum': 0.1, 'affine': affine,
                                          'track_running_stats': True, 'input_shape': shape},
                    lambda: copy.deepcopy(m0), {'input': x}, ['output'], f'nn.BatchNorm2d({c},eps={eps},affine={affine}).eval()(input)',
                    1, seed, overwrite=over)


def gen_layer_norm():
    L = [  # shape, ns, eps, affine, extra
        ([3, 1], [1], 1e-5, True, {}),
        ([5, 3], [3], 1e-5, True, {}),
        ([2, 7, 13], [13], 1e-3, True, {}),
        ([3, 1031], [1031], 1e-5, True, {}),
        ([2, 2500], [2500], 1e-5, False, {}),
        ([2, 5, 13], [5, 13], 1e-5, True, {}),
        ([3, 2, 3, 7], [3, 7], 0.1, False, {}),
        ([4, 33], [33], 1e-6, True, {'input_offset': 1000.0}),
        ([5, 17], [17], 1e-5, True, {'constant_rows': [0, 3]}),
        ([1, 127], [127], 1e-5, True, {'input_offset': -50.0, 'input_scale': 0.01}),
        ([7, 65], [65], 1e-5, False, {'constant_rows': [6]}),
        ([2, 8197], [8197], 1e-5, True, {'input_offset': 30.0}),
        ([3, 4, 129], [4, 129], 1e-5, True, {}),
        ([65, 1], [1], 1e-5, False, {}),
        ([2, 3, 5], [2, 3, 5], 1e-5, True, {}),
    ]
    for shape, ns, eps, affine, extra in L:
        case = f'{"x".join(map(str, shape))}_ns{"x".join(map(str, ns))}_eps{eps:g}_{"affine" if affine else "noaffine"}'
        if 'input_offset' in extra:
            case += f'_offset{extra["input_offset"]:g}'
        if 'constant_rows' in extra:
            case += '_constrow'
        seed = start('layer_norm', case)
        x = torch.randn(shape) * extra.get('input_scale', 1.0) + extra.get('input_offset', 0.0)
        if 'constant_rows' in extra:
            rows = x.reshape(-1, math.prod(ns))
            for r in extra['constant_rows']:
                rows[r] = float(torch.randn(()))
        m0 = nn.LayerNorm(ns, eps=eps, elementwise_affine=affine)

        def over(m):
            if affine:
                randomize(m.weight, m.bias)
        params = {'normalized_shape': ns, 'eps': eps, 'elementwise_affine': affine, 'input_shape': shape, **extra}
        module_case('layer_norm', case, params, lambda: copy.deepcopy(m0), {'input': x}, ['output'],
                    f'nn.LayerNorm({ns},eps={eps},elementwise_affine={affine})(input)', math.prod(ns), seed, overwrite=over)


def gen_softmax():
    S = [  # name, shape, extra
        ('len1_5x1', [5, 1], {}),
        ('len3_7x3', [7, 3], {}),
        ('randn_3x5x13', [3, 5, 13], {'input_scale': 3.0}),
        ('long_3x1031', [3, 1031], {}),
        ('long_2x4099', [2, 4099], {}),
        ('masked30pct_9x33', [9, 33], {'mask_fraction': 0.3}),
        ('masked50pct_5x127', [5, 127], {'mask_fraction': 0.5}),
        ('single_unmasked_6x17', [6, 17], {'single_unmasked': True}),
        ('scale1e4_5x31', [5, 31], {'input_scale': 10000.0}),
        ('offset_pm1e4_4x65', [4, 65], {'row_offsets': [10000.0, -10000.0, 30000.0, -1e5]}),
        ('fully_masked_rows_4x7', [4, 7], {'fully_masked_rows': [0, 2]}),
        ('fully_masked_rows_3x1', [3, 1], {'fully_masked_rows': [1]}),
        ('masked_len1_4x1', [4, 1], {'mask_fraction': 0.0, 'input_scale': 1e4}),
        ('prefix_masked_4x1031', [4, 1031], {'prefix_masked': [1030, 1000, 513, 3]}),
        ('prefix_masked_3x17', [3, 17], {'prefix_masked': [16, 5, 15]}),
        ('suffix_masked_3x70', [3, 70], {'suffix_masked': [69, 40, 1]}),
        ('masked90pct_6x2053', [6, 2053], {'mask_fraction': 0.9}),
        ('long_1x16411', [1, 16411], {'input_scale': 5.0}),
        ('offset_pm1e4_masked_5x37', [5, 37], {'row_offsets': [1e4, -1e4, 2e4], 'mask_fraction': 0.4}),
    ]
    for op, f in (('softmax', F.softmax), ('log_softmax', F.log_softmax)):
        for name, shape, extra in S:
            seed = start(op, name)
            x = torch.randn(shape) * extra.get('input_scale', 1.0)
            rows = x.reshape(-1, shape[-1])
            n = shape[-1]
            if 'row_offsets' in extra:
                for i, o in enumerate(extra['row_offsets']):
                    rows[i % rows.shape[0]] += o
            if extra.get('mask_fraction'):
                rows[torch.rand(rows.shape) < extra['mask_fraction']] = -math.inf
                for i in range(rows.shape[0]):  # keep one finite entry per row
                    if not torch.isfinite(rows[i]).any():
                        rows[i, int(torch.randint(n, ()))] = float(torch.randn(()))
            if extra.get('single_unmasked'):
                for i in range(rows.shape[0]):
                    keep = int(torch.randint(n, ()))
                    v = rows[i, keep].item()
                    rows[i] = -math.inf
                    rows[i, keep] = v
            for i, k in enumerate(extra.get('prefix_masked', [])):
                rows[i, :k] = -math.inf
            for i, k in enumerate(extra.get('suffix_masked', [])):
                rows[i, n - k:] = -math.inf
            for r in extra.get('fully_masked_rows', []):
                rows[r] = -math.inf
            notes = 'rows entirely -inf give NaN (PyTorch behaviour)' if extra.get('fully_masked_rows') else None
            fn_case(op, name, {'dim': -1, 'input_shape': shape, **extra}, lambda t: f(t, dim=-1), {'input': x},
                    f'torch.nn.functional.{op}(input, dim=-1)', n, seed, notes)


def gen_elementwise():
    extra = [-1e4, -1e3, -500.0, -100.0, -89.0, -88.5, -30.0, -15.0, -1e-30, -0.0, 0.0, 1e-30, 15.0, 30.0, 88.5, 89.0, 100.0, 500.0, 1e3, 1e4]
    OPS = [('gelu', {'approximate': 'none'}, lambda t: F.gelu(t)), ('gelu', {'approximate': 'tanh'}, lambda t: F.gelu(t, approximate='tanh')),
           ('silu', {}, F.silu), ('sigmoid', {}, torch.sigmoid), ('tanh', {}, torch.tanh), ('relu', {}, F.relu),
           ('leaky_relu', {'negative_slope': 0.01}, lambda t: F.leaky_relu(t, 0.01)),
           ('leaky_relu', {'negative_slope': 0.3}, lambda t: F.leaky_relu(t, 0.3)),
           ('leaky_relu', {'negative_slope': 0.0}, lambda t: F.leaky_relu(t, 0.0)),
           ('leaky_relu', {'negative_slope': 1.7}, lambda t: F.leaky_relu(t, 1.7))]
    for op, p, f in OPS:
        suffix = ''.join(f'_{k}{v}' for k, v in p.items())
        for lo, hi, n in ((-1000.0, 1000.0, 1001), (-12.0, 12.0, 997), (-3.0, 3.0, 13)):
            case = f'sweep_{lo:g}_{hi:g}_n{n}{suffix}'
            seed = start(op, case)
            x = torch.cat([torch.linspace(lo, hi, n), torch.tensor(extra)]).to(torch.float32)
            fn_case(op, case, {'input': 'sweep', 'sweep': [lo, hi, n], 'extra_values': extra, **p}, f, {'input': x},
                    f'{op}(input)', 1, seed)
        case = f'extreme{suffix}'
        seed = start(op, case)
        big = [-3.4e38, -1e30, -1e20, -1e10, -1e5, -1e-40, 1e-40, 1e5, 1e10, 1e20, 1e30, 3.4e38, -1e-5, 1e-5, -5.5, 5.5, -9.0, 9.0, -10.5, 10.5]
        x = torch.tensor(big, dtype=torch.float32)
        fn_case(op, case, {'input': 'sweep', 'sweep': [0.0, 0.0, 0], 'extra_values': big, **p}, f, {'input': x}, f'{op}(input)', 1, seed)
        for shape, scale in (([1], 1.0), ([7, 13], 3.0), ([3, 5, 17], 10.0), ([127], 1.0)):
            case = f'randn_{"x".join(map(str, shape))}{suffix}'
            seed = start(op, case)
            x = torch.randn(shape) * scale
            fn_case(op, case, {'input': 'randn', 'input_shape': shape, 'input_scale': scale, **p}, f, {'input': x},
                    f'{op}(input)', 1, seed)


def gen_rnn(R=None):
    R = R or [  # I, H, L, T, B, bi, bf, h0, bias, unbatched
        (1, 1, 1, 1, 1, False, False, False, True, False),
        (3, 5, 1, 17, 3, False, False, True, True, False),
        (7, 13, 2, 5, 3, True, False, True, True, False),
        (5, 33, 1, 17, 1, False, True, False, False, False),
        (13, 5, 3, 7, 2, True, True, True, True, False),
        (4, 7, 2, 9, None, True, False, True, True, True),
        (6, 13, 1, 1, 3, True, True, True, False, False),
        (17, 1, 2, 17, 3, False, False, True, True, False),
        (3, 33, 2, 13, 2, True, False, False, False, False),
        (5, 17, 1, 31, None, False, True, False, True, True),
        (33, 127, 1, 65, 2, False, True, True, True, False),
        (65, 129, 2, 9, 5, True, False, True, True, False),
        (1, 3, 4, 3, 1, True, True, True, False, False),
    ]
    for kind in ('rnn_tanh', 'rnn_relu', 'gru', 'lstm'):
        op = kind.split('_')[0]
        for I, H, Lyr, T, B, bi, bf, h0, bias, unb in R:
            nl = kind.split('_')[1] if op == 'rnn' else None
            case = (f'{nl + "_" if nl else ""}I{I}_H{H}_L{Lyr}_T{T}_' + (f'unbatched' if unb else f'B{B}') +
                    f'_{"bi" if bi else "uni"}_{"bf" if bf else "tf"}' + ('_h0' if h0 else '') + ('' if bias else '_nobias'))
            seed = start(op, case)
            D = 2 if bi else 1
            kw = dict(num_layers=Lyr, bias=bias, batch_first=bf, bidirectional=bi)
            if op == 'rnn':
                m0 = nn.RNN(I, H, nonlinearity=nl, **kw)
            else:
                m0 = (nn.GRU if op == 'gru' else nn.LSTM)(I, H, **kw)
            if unb:
                x = torch.randn(T, I)
                hs = [Lyr * D, H]
            else:
                x = torch.randn([B, T, I] if bf else [T, B, I])
                hs = [Lyr * D, B, H]
            inputs = {'input': x}
            if h0:
                inputs['h0'] = torch.randn(hs)
                if op == 'lstm':
                    inputs['c0'] = torch.randn(hs)
            params = {'input_size': I, 'hidden_size': H, 'num_layers': Lyr, 'bias': bias, 'batch_first': bf,
                      'bidirectional': bi, 'seq_len': T, 'batch': B, 'h0': h0}
            if unb:
                params['unbatched'] = True
            if op == 'rnn':
                params['nonlinearity'] = nl

            def call(m, ins):
                v = list(ins.values())
                if op == 'lstm':
                    out, (hn, cn) = m(v[0], (v[1], v[2])) if len(v) > 1 else m(v[0])
                    return out, hn, cn
                return m(*v)
            outs = ['output', 'h_n', 'c_n'] if op == 'lstm' else ['output', 'h_n']
            module_case(op, case, params, lambda: copy.deepcopy(m0), inputs, outs, f'nn.{type(m0).__name__}(**params).eval()(input, h0)',
                        max(I, H * D), seed, call=call)


def sdpa_reference(q, k, v, attn_mask=None, is_causal=False, scale=None):
    """torch 2.x documented math, in the dtype of q."""
    L, S = q.shape[-2], k.shape[-2]
    sc = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    bias = torch.zeros(L, S, dtype=q.dtype)
    if is_causal:
        keep = torch.ones(L, S, dtype=torch.bool).tril(0)
        bias = bias.masked_fill(~keep, -math.inf)
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            bias = bias + torch.zeros(attn_mask.shape, dtype=q.dtype).masked_fill(~attn_mask, -math.inf)
        else:
            bias = bias + attn_mask.to(q.dtype)
    w = torch.softmax(q @ k.transpose(-2, -1) * sc + bias, dim=-1)
    return w @ v


def gen_sdpa():
    A = [  # batch_shape, L, S, E, Ev, causal, scale, mask spec, qk_scale
        ([1, 1], 1, 1, 1, None, False, None, None, None),
        ([2, 3], 7, 13, 13, None, False, None, None, None),
        ([3], 17, 5, 13, 7, False, None, None, None),
        ([2, 2], 13, 17, 13, None, True, None, None, None),
        ([1, 3], 17, 13, 5, None, True, None, None, None),
        ([2, 2], 5, 33, 17, 3, False, 0.3, {'dtype': 'bool', 'shape': [5, 33], 'keep': 0.5}, None),
        ([2, 3], 9, 7, 13, None, False, None, {'dtype': 'bool', 'shape': [2, 1, 9, 7], 'keep': 0.6}, None),
        ([2, 3], 9, 7, 13, None, False, None, {'dtype': 'bool', 'shape': [2, 3, 9, 7], 'keep': 0.4}, None),
        ([2, 3], 9, 7, 13, None, False, None, {'dtype': 'bool', 'shape': [1, 3, 9, 7], 'keep': 0.5}, None),
        ([3, 2], 11, 19, 8, None, False, None, {'dtype': 'float', 'shape': [11, 19], 'neg_fill': '-inf'}, None),
        ([3, 2], 11, 19, 8, None, False, None, {'dtype': 'float', 'shape': [3, 1, 11, 19], 'neg_fill': '-1e9'}, None),
        ([2], 6, 10, 12, None, False, None, {'dtype': 'float', 'shape': [2, 6, 10], 'neg_fill': '-inf'}, None),
        ([2], 6, 10, 12, None, False, None, {'dtype': 'bool', 'shape': [10], 'keep': 0.7}, None),
        ([1, 2], 33, 65, 31, None, False, None, None, 9.0),
        ([1, 2], 31, 31, 13, None, True, None, None, 7.0),
        ([2, 1, 3], 5, 9, 7, None, False, None, None, None),
        ([1, 1], 127, 129, 33, 17, True, None, None, None),
        ([1, 2], 1, 1031, 65, None, False, None, None, None),
        ([1, 1], 1, 3, 3, None, True, None, None, None),
        ([1, 2], 5, 100, 16, None, False, None, {'dtype': 'bool', 'shape': [5, 100], 'keep': 'suffix'}, None),
        ([2, 1], 7, 130, 9, None, False, None, {'dtype': 'float', 'shape': [2, 1, 7, 130], 'neg_fill': 'prefix'}, None),
        ([1, 1], 70, 40, 8, None, True, None, None, None),
        ([1, 1], 3, 97, 8, None, False, None, {'dtype': 'bool', 'shape': [3, 97], 'keep': 'middle'}, None),
        ([2, 2], 65, 257, 128, None, False, None, None, None),
        ([1, 3], 33, 47, 256, 1, False, None, None, None),
        ([1, 1], 200, 300, 64, 64, True, 0.05, None, None),
        ([2, 2], 17, 45, 16, None, False, 3.0, {'dtype': 'float', 'shape': [2, 1, 17, 45], 'neg_fill': '-1e9'}, 5.0),
        ([1, 3], 9, 70, 32, None, False, None, {'dtype': 'bool', 'shape': [9, 70], 'keep': 'suffix'}, 12.0),
        ([2], 40, 40, 24, None, True, 10.0, None, 3.0),
    ]
    for bs, L, S, E, Ev, causal, scale, mask, qk in A:
        case = f'{"x".join(map(str, bs))}_L{L}_S{S}_E{E}' + (f'_Ev{Ev}' if Ev else '') + ('_causal' if causal else '')
        if scale is not None:
            case += f'_scale{scale:g}'
        if mask:
            case += f'_{mask["dtype"]}mask{"x".join(map(str, mask["shape"]))}'
        if qk:
            case += '_large_logits'
        seed = start('scaled_dot_product_attention', case)
        q = torch.randn(bs + [L, E])
        k = torch.randn(bs + [S, E])
        v = torch.randn(bs + [S, Ev or E])
        if qk:
            q, k = q * qk, k * qk
        inputs = {'query': q, 'key': k, 'value': v}
        if mask:
            if isinstance(mask.get('keep'), str) or isinstance(mask.get('neg_fill'), str) and mask['neg_fill'] == 'prefix':
                # long runs of masked keys: whole 32-key blocks masked, the only allowed keys late
                m = torch.zeros(mask['shape'], dtype=torch.bool)
                Lm = m.shape[-2]
                for i in range(Lm):
                    if mask.get('keep') == 'middle':
                        lo = (i * 37) % S
                        m[..., i, lo:lo + 2] = True
                    else:
                        m[..., i, max(0, S - 1 - 13 * i):] = True
                if mask['dtype'] == 'float':
                    m = torch.randn(mask['shape']).masked_fill(~m, -math.inf)
            elif mask['dtype'] == 'bool':
                m = torch.rand(mask['shape']) < mask['keep']
                m[..., 0] = True  # no row fully masked
                if len(mask['shape']) == 1:
                    m[0] = True
            else:
                m = torch.randn(mask['shape'])
                fill = -math.inf if mask['neg_fill'] == '-inf' else -1e9
                m = m.masked_fill(torch.rand(mask['shape']) < 0.3, fill)
                m[..., 0] = torch.randn(m[..., 0].shape)
            inputs['attn_mask'] = m
        params = {'batch_shape': bs, 'L': L, 'S': S, 'E': E, 'is_causal': causal, 'scale': scale, 'dropout_p': 0.0}
        if Ev:
            params['Ev'] = Ev
        if mask:
            params['mask'] = mask
        if qk:
            params['qk_scale'] = qk

        def fn(q_, k_, v_, m_=None):
            return sdpa_reference(q_, k_, v_, m_, causal, scale)
        fn_case('scaled_dot_product_attention', case, params, fn, inputs,
                'sdpa_reference(query, key, value, attn_mask, is_causal, scale)', max(S, E), seed)


def gen_sdpa_broadcast():
    """query/key/value whose leading dims differ but broadcast (torch matmul rules)."""
    for qs, ks, vs, L, S, E in (([2, 3], [1, 3], [1, 3], 5, 7, 8), ([2, 3], [3], [3], 4, 9, 5), ([3, 1], [1, 2], [3, 2], 6, 6, 4),
                                ([2], [1], [2], 17, 33, 16)):
        case = f'bcast_q{"x".join(map(str, qs))}_k{"x".join(map(str, ks))}_v{"x".join(map(str, vs))}_L{L}_S{S}_E{E}'
        seed = start('scaled_dot_product_attention', case)
        inputs = {'query': torch.randn(qs + [L, E]), 'key': torch.randn(ks + [S, E]), 'value': torch.randn(vs + [S, E])}
        bs = list(torch.broadcast_shapes(tuple(qs), tuple(ks), tuple(vs)))
        fn_case('scaled_dot_product_attention', case, {'batch_shape': bs, 'L': L, 'S': S, 'E': E, 'is_causal': False, 'scale': None,
                                                       'dropout_p': 0.0},
                lambda q, k, v: sdpa_reference(q, k, v), inputs, 'sdpa_reference(query, key, value)', max(S, E), seed)


def gen_mha(M=None):
    M = M or [  # E, H, L, S, B, bf, self, kdim, vdim, bias, need, avg, kpm, attn_mask, unbatched
        (20, 5, 7, 7, 3, True, True, None, None, True, True, True, None, None, False),
        (20, 5, 7, 11, 3, False, False, 13, 7, True, True, False, [0, 3, 10], None, False),
        (13, 1, 5, 5, 2, True, True, None, None, True, True, True, None, {'kind': 'causal_bool'}, False),
        (39, 3, 9, 13, 2, False, False, None, None, False, True, False, [2, 0], {'kind': 'float', 'scale': 1.0}, False),
        (12, 4, 6, 6, 2, True, True, None, None, True, True, False, [1, 4], {'kind': 'random_bool', 'per_head': True, 'keep': 0.6}, False),
        (12, 3, 5, 8, 3, False, False, 5, 5, True, False, True, None, {'kind': 'float', 'scale': 1.0, 'per_head': True}, False),
        (20, 5, 1, 1, 1, True, True, None, None, True, True, True, None, None, False),
        (20, 4, 6, 9, 1, True, False, 3, 17, True, True, True, None, None, True),
        (16, 2, 7, 7, 1, False, True, None, None, True, True, False, [2], None, True),
        (33, 3, 17, 31, 2, True, False, None, None, True, True, True, [5, 0], {'kind': 'random_bool', 'per_head': False, 'keep': 0.7}, False),
        (65, 5, 13, 13, 3, True, True, None, None, True, False, True, [0, 1, 12], {'kind': 'causal_bool'}, False),
        (24, 6, 4, 5, 2, False, False, 24, 11, False, True, False, None, {'kind': 'float_neginf'}, False),
        (129, 3, 33, 70, 2, True, False, None, None, True, True, False, [69, 35], None, False),
        (64, 4, 40, 100, 3, False, False, 17, 64, True, True, True, [99, 0, 64], {'kind': 'float', 'scale': 2.0, 'per_head': True}, False),
        (20, 5, 6, 6, 1, True, True, None, None, True, True, False, None, {'kind': 'random_bool', 'per_head': True, 'keep': 0.5}, True),
    ]
    for E, H, L, S, B, bf, selfa, kdim, vdim, bias, need, avg, kpm, am, unb in M:
        case = f'E{E}_h{H}_L{L}_S{S}_' + ('unbatched' if unb else f'B{B}') + f'_{"bf" if bf else "tf"}_{"self" if selfa else "cross"}'
        if kdim or vdim:
            case += f'_kdim{kdim}_vdim{vdim}'
        if not bias:
            case += '_nobias'
        if kpm:
            case += '_kpm'
        if am:
            case += f'_{am["kind"]}' + ('_perhead' if am.get('per_head') else '')
        case += ('_weightsavg' if avg else '_weightsperhead') if need else '_noweights'
        seed = start('multihead_attention', case)
        m0 = nn.MultiheadAttention(E, H, bias=bias, kdim=kdim, vdim=vdim, batch_first=bf)

        def over(m):
            if bias:
                randomize(m.in_proj_bias, m.out_proj.bias, scale=0.5)
        kd, vd = kdim or E, vdim or E

        def shape(n, f):
            if unb:
                return [n, f]
            return [B, n, f] if bf else [n, B, f]
        q = torch.randn(shape(L, E))
        if selfa:
            k = q.clone()
            v = q.clone()
        else:
            k = torch.randn(shape(S, kd))
            v = torch.randn(shape(S, vd))
        inputs = {'query': q, 'key': k, 'value': v}
        if kpm:
            pm = torch.zeros(len(kpm), S, dtype=torch.bool)
            for b, npad in enumerate(kpm):
                if npad:
                    pm[b, S - npad:] = True
            inputs['key_padding_mask'] = pm[0] if unb else pm
        if am:
            nb = 1 if unb else B
            full = am.get('per_head')
            shp = [nb * H, L, S] if full else [L, S]
            if am['kind'] == 'causal_bool':
                a = torch.ones(L, S, dtype=torch.bool).triu(1)
            elif am['kind'] == 'random_bool':
                a = torch.rand(shp) > am['keep']
                a[..., 0] = False
            elif am['kind'] == 'float_neginf':
                a = torch.randn(shp).masked_fill(torch.rand(shp) < 0.3, -math.inf)
                a[..., 0] = 0.0
            else:
                a = torch.randn(shp) * am['scale']
            inputs['attn_mask'] = a
        params = {'embed_dim': E, 'num_heads': H, 'bias': bias, 'kdim': kdim, 'vdim': vdim, 'batch_first': bf, 'L': L, 'S': S,
                  'batch': 1 if unb else B, 'need_weights': need, 'average_attn_weights': avg, 'self_attention': selfa, 'dropout': 0.0}
        if kpm:
            params['key_padding_mask'] = kpm
        if am:
            params['attn_mask'] = am
        if unb:
            params['unbatched'] = True

        def call(m, ins):
            return m(ins['query'], ins['key'], ins['value'], key_padding_mask=ins.get('key_padding_mask'), need_weights=need,
                     attn_mask=ins.get('attn_mask'), average_attn_weights=avg)
        module_case('multihead_attention', case, params, lambda: copy.deepcopy(m0), inputs,
                    ['output', 'attn_weights' if need else None], 'nn.MultiheadAttention(**params).eval()(query, key, value, ...)',
                    max(E, S), seed, overwrite=over, call=call)


def causal_mask(n, m, kind):
    """causal_bool: True above the diagonal (= masked); causal_float: -inf there, 0 elsewhere
    (nn.Transformer.generate_square_subsequent_mask)."""
    b = torch.ones(n, m, dtype=torch.bool).triu(1)
    return b if kind == 'causal_bool' else torch.zeros(n, m).masked_fill(b, -math.inf)


def gen_transformer():
    ENC = [  # d, h, ff, B, S, act, norm_first, eps, src_mask, kpm
        (20, 5, 33, 3, 7, 'relu', False, 1e-5, None, None),
        (20, 5, 33, 3, 7, 'gelu', True, 1e-5, 'causal_bool', None),
        (13, 1, 17, 2, 5, 'gelu', False, 1e-6, None, [0, 2]),
        (33, 3, 65, 2, 13, 'relu', True, 1e-5, 'causal_bool', [3, 0]),
        (12, 4, 7, 1, 1, 'relu', False, 1e-5, None, None),
        (24, 6, 127, 3, 17, 'gelu', True, 1e-3, None, [0, 16, 5]),
        (128, 8, 257, 2, 65, 'gelu', False, 1e-5, 'causal_bool', [0, 40]),
        (20, 5, 33, 1, 40, 'relu', True, 1e-5, None, [39]),
        (20, 5, 33, 3, 7, 'relu', False, 1e-5, 'causal_float', [0, 2, 0]),
        (20, 4, 40, 2, 9, 'gelu', True, 1e-5, 'causal_bool', [1, 0], False),
        (13, 1, 17, 3, 5, 'relu', False, 1e-5, None, None, False),
    ]
    for d, h, ff, B, S, act, nf, eps, sm, kpm, *rest in ENC:
        bf = rest[0] if rest else True
        case = f'd{d}_h{h}_ff{ff}_B{B}_S{S}_{act}_{"prenorm" if nf else "postnorm"}' + (f'_eps{eps:g}' if eps != 1e-5 else '') + \
            ('_causal' if sm else '') + ('_float' if sm == 'causal_float' else '') + ('_kpm' if kpm else '') + ('' if bf else '_tf')
        seed = start('transformer_encoder_layer', case)
        m0 = nn.TransformerEncoderLayer(d, h, ff, dropout=0.0, activation=act, layer_norm_eps=eps, batch_first=bf, norm_first=nf)

        def over(m):
            randomize(m.self_attn.in_proj_bias, m.self_attn.out_proj.bias, scale=0.5)
            randomize(m.norm1.weight, m.norm2.weight, offset=1.0, scale=0.3)
            randomize(m.norm1.bias, m.norm2.bias, scale=0.3)
        x = torch.randn(B, S, d) if bf else torch.randn(S, B, d)
        inputs = {'input': x}
        if sm:
            inputs['src_mask'] = causal_mask(S, S, sm)
        if kpm:
            pm = torch.zeros(B, S, dtype=torch.bool)
            for b, n in enumerate(kpm):
                if n:
                    pm[b, S - n:] = True
            inputs['src_key_padding_mask'] = pm
        params = {'d_model': d, 'nhead': h, 'dim_feedforward': ff, 'dropout': 0.0, 'activation': act, 'layer_norm_eps': eps,
                  'batch_first': bf, 'norm_first': nf, 'batch': B, 'seq_len': S}
        if sm:
            params['src_mask'] = sm
        if kpm:
            params['src_key_padding_mask'] = kpm

        def call(m, ins):
            return m(ins['input'], src_mask=ins.get('src_mask'), src_key_padding_mask=ins.get('src_key_padding_mask'))
        module_case('transformer_encoder_layer', case, params, lambda: copy.deepcopy(m0), inputs, ['output'],
                    'nn.TransformerEncoderLayer(**params).eval()(input, src_mask, src_key_padding_mask)', max(d, ff), seed,
                    overwrite=over, call=call)
    DEC = [  # d, h, ff, B, T, Sm, act, nf, tgt_mask, tkpm, mkpm
        (20, 5, 33, 3, 7, 11, 'relu', False, 'causal_bool', None, None),
        (20, 5, 33, 2, 5, 3, 'gelu', True, 'causal_bool', None, [0, 2]),
        (13, 1, 17, 2, 9, 9, 'gelu', False, None, [3, 0], [0, 4]),
        (33, 3, 65, 1, 1, 17, 'relu', True, 'causal_bool', None, None),
        (24, 4, 31, 3, 13, 5, 'relu', True, 'causal_bool', [0, 1, 6], [2, 0, 1]),
        (65, 5, 129, 2, 33, 70, 'gelu', False, 'causal_bool', [0, 32], [69, 3]),
        (20, 5, 33, 2, 6, 9, 'relu', False, 'causal_float', [0, 2], None, True, True),
        (20, 4, 24, 3, 5, 7, 'gelu', True, 'causal_bool', None, [1, 0, 3], False, True),
        (12, 3, 16, 2, 4, 5, 'relu', False, None, None, None, False, False),
    ]
    for d, h, ff, B, T, Sm, act, nf, tm, tk, mk, *rest in DEC:
        bf = rest[0] if rest else True
        mm = rest[1] if len(rest) > 1 else False
        case = f'd{d}_h{h}_ff{ff}_B{B}_T{T}_S{Sm}_{act}_{"prenorm" if nf else "postnorm"}' + ('_causal' if tm else '') + \
            ('_float' if tm == 'causal_float' else '') + ('_tkpm' if tk else '') + ('_mkpm' if mk else '') + ('_mmask' if mm else '') + \
            ('' if bf else '_tf')
        seed = start('transformer_decoder_layer', case)
        m0 = nn.TransformerDecoderLayer(d, h, ff, dropout=0.0, activation=act, batch_first=bf, norm_first=nf)

        def over(m):
            for a in (m.self_attn, m.multihead_attn):
                randomize(a.in_proj_bias, a.out_proj.bias, scale=0.5)
            randomize(m.norm1.weight, m.norm2.weight, m.norm3.weight, offset=1.0, scale=0.3)
            randomize(m.norm1.bias, m.norm2.bias, m.norm3.bias, scale=0.3)
        inputs = {'input': torch.randn(B, T, d), 'memory': torch.randn(B, Sm, d)} if bf else \
            {'input': torch.randn(T, B, d), 'memory': torch.randn(Sm, B, d)}
        if tm:
            inputs['tgt_mask'] = causal_mask(T, T, tm)
        if mm:
            mmask = torch.rand(T, Sm) < 0.3
            mmask[:, 0] = False
            inputs['memory_mask'] = mmask

        def pad(spec, n):
            pm = torch.zeros(B, n, dtype=torch.bool)
            for b, k in enumerate(spec):
                if k:
                    pm[b, n - k:] = True
            return pm
        if tk:
            inputs['tgt_key_padding_mask'] = pad(tk, T)
        if mk:
            inputs['memory_key_padding_mask'] = pad(mk, Sm)
        params = {'d_model': d, 'nhead': h, 'dim_feedforward': ff, 'dropout': 0.0, 'activation': act, 'layer_norm_eps': 1e-5,
                  'batch_first': bf, 'norm_first': nf, 'batch': B, 'tgt_len': T, 'memory_len': Sm}
        if mm:
            params['memory_mask'] = 'random_bool'
        if tm:
            params['tgt_mask'] = tm
        if tk:
            params['tgt_key_padding_mask'] = tk
        if mk:
            params['memory_key_padding_mask'] = mk

        def call(m, ins):
            return m(ins['input'], ins['memory'], tgt_mask=ins.get('tgt_mask'), memory_mask=ins.get('memory_mask'), tgt_key_padding_mask=ins.get('tgt_key_padding_mask'),
                     memory_key_padding_mask=ins.get('memory_key_padding_mask'))
        module_case('transformer_decoder_layer', case, params, lambda: copy.deepcopy(m0), inputs, ['output'],
                    'nn.TransformerDecoderLayer(**params).eval()(input, memory, ...)', max(d, ff, Sm), seed,
                    overwrite=over, call=call)


MODEL_SOURCES = {
    'char_lstm': 'class CharLSTM(nn.Module):\n    """char-level LM: embedding, multi-layer LSTM (batch_first), linear to vocab logits.\n    Input: int64 tokens [N, T]; outputs logits [N, T, vocab], h_n, c_n."""\n\n    def __init__(self, vocab=40, emb=16, hidden=64, num_layers=2):\n        super().__init__()\n        self.embedding = nn.Embedding(vocab, emb)\n        self.lstm = nn.LSTM(emb, hidden, num_layers=num_layers, batch_first=True)\n        self.fc = nn.Linear(hidden, vocab)\n\n    def forward(self, tokens):\n        y, (h, c) = self.lstm(self.embedding(tokens))\n        return self.fc(y), h, c\n',
    'tiny_cnn': 'class TinyCNN(nn.Module):\n    """conv-bn-relu-maxpool x2, flatten, linear.  Input [N, in_ch, hw, hw]."""\n\n    def __init__(self, in_ch=3, c1=8, c2=16, hw=32, num_classes=10):\n        super().__init__()\n        self.conv1 = nn.Conv2d(in_ch, c1, kernel_size=3, padding=1)\n        self.bn1 = nn.BatchNorm2d(c1)\n        self.conv2 = nn.Conv2d(c1, c2, kernel_size=3, padding=1)\n        self.bn2 = nn.BatchNorm2d(c2)\n        side = (hw // 2) // 2\n        self.fc = nn.Linear(c2 * side * side, num_classes)\n\n    def forward(self, x):\n        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)\n        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)\n        x = torch.flatten(x, 1)          # NCHW order\n        return self.fc(x)\n',
    'tiny_transformer_classifier': 'class TinyTransformerClassifier(nn.Module):\n    """token embedding + learned positions, 2 post-norm TransformerEncoderLayers (batch_first, relu),\n    mean over the sequence, linear classifier.  Input: int64 tokens [N, T]."""\n\n    def __init__(self, vocab=50, d_model=32, nhead=4, dim_feedforward=64, num_layers=2, max_len=64,\n                 num_classes=5):\n        super().__init__()\n        self.embedding = nn.Embedding(vocab, d_model)\n        self.pos_embedding = nn.Parameter(torch.randn(max_len, d_model) * 0.1)\n        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout=0.0, batch_first=True)\n        self.encoder = nn.TransformerEncoder(layer, num_layers, enable_nested_tensor=False)\n        self.classifier = nn.Linear(d_model, num_classes)\n\n    def forward(self, tokens):\n        x = self.embedding(tokens) + self.pos_embedding[: tokens.shape[1]]\n        x = self.encoder(x)\n        return self.classifier(x.mean(dim=1))\n',
}


def gen_model():
    """Whole networks of the public `model` op (same module_source), other kwargs and input sizes."""
    classes = {}
    for name, source in MODEL_SOURCES.items():
        ns = {'nn': nn, 'torch': torch, 'F': F}
        exec(source, ns)
        classes[name] = [v for k, v in ns.items() if isinstance(v, type) and issubclass(v, nn.Module) and k not in ('nn',)][0]
    alphabet = " abcdefghijklmnopqrstuvwxyz.,;:!?'-\n0123"
    M = [
        ('tiny_cnn', {'in_ch': 1, 'c1': 5, 'c2': 7, 'hw': 30, 'num_classes': 3}, [3, 1, 30, 30]),
        ('tiny_cnn', {'in_ch': 3, 'c1': 13, 'c2': 17, 'hw': 13, 'num_classes': 1}, [2, 3, 13, 13]),
        ('tiny_cnn', {'in_ch': 2, 'c1': 3, 'c2': 5, 'hw': 4, 'num_classes': 7}, [1, 2, 4, 4]),
        ('tiny_transformer_classifier', {'vocab': 17, 'd_model': 20, 'nhead': 5, 'dim_feedforward': 33, 'num_layers': 3, 'max_len': 9,
                                         'num_classes': 3}, [3, 9]),
        ('tiny_transformer_classifier', {'vocab': 50, 'd_model': 32, 'nhead': 4, 'dim_feedforward': 64, 'num_layers': 1, 'max_len': 64,
                                         'num_classes': 5}, [1, 1]),
        ('tiny_transformer_classifier', {'vocab': 101, 'd_model': 24, 'nhead': 3, 'dim_feedforward': 7, 'num_layers': 2, 'max_len': 40,
                                         'num_classes': 2}, [2, 33]),
        ('char_lstm', {'vocab': 40, 'emb': 5, 'hidden': 13, 'num_layers': 3}, [3, 17]),
        ('char_lstm', {'vocab': 40, 'emb': 16, 'hidden': 33, 'num_layers': 1}, [1, 1]),
        ('char_lstm', {'vocab': 40, 'emb': 7, 'hidden': 65, 'num_layers': 2}, [2, 31]),
    ]
    for name, kw, shape in M:
        case = f'{name}_' + '_'.join(f'{k}-{v}' for k, v in kw.items()) + '_' + 'x'.join(map(str, shape))
        seed = start('model', case)
        m0 = classes[name](**kw)
        params = {'model': name, 'kwargs': kw, 'input_shape': shape}
        extra = {}
        if name == 'tiny_cnn':
            x = torch.randn(shape)

            def over(m):
                for bn in (m.bn1, m.bn2):
                    randomize(bn.weight, bn.bias, bn.running_mean, scale=0.5)
                    bn.running_var.copy_(torch.rand(bn.running_var.shape) + 0.5)
        else:
            x = torch.randint(0, kw['vocab'], shape)
            over = None
            if name == 'char_lstm':
                x = torch.randint(0, len(alphabet), shape)
                params['alphabet'] = alphabet
                params['text'] = [''.join(alphabet[i] for i in row) for row in x.tolist()]
        outs = ['output', 'h_n', 'c_n'] if name == 'char_lstm' else ['output']
        write_meta = {'module_source': MODEL_SOURCES[name], 'module_class': classes[name].__name__}
        module_case('model', case, params, lambda: copy.deepcopy(m0), {'input': x}, outs,
                    f'{classes[name].__name__}(**kwargs).eval()(input)', max(kw.get('hidden', 0), kw.get('d_model', 0), 64), seed,
                    overwrite=over, notes='module_source holds the architecture; state_dict tensors use its parameter names',
                    extra_meta=write_meta)


def gen_fuzz():
    """Random valid configurations (fixed seed) of the ops with the most index arithmetic."""
    import random
    rnd = random.Random(20261128)
    pick = rnd.choice
    sizes = [1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 31, 33]
    n_conv = 0
    while n_conv < 60:
        dims = pick([1, 2, 2])
        g = pick([1, 1, 1, 2, 3, 'dw'])
        cin = pick([1, 2, 3, 5, 7, 9, 12, 17, 33]) if g != 'dw' else pick([1, 3, 5, 7, 16, 17])
        if g == 'dw':
            g = cin
            cout = cin * pick([1, 2, 3])
        else:
            if cin % g:
                continue
            cout = g * pick([1, 2, 3, 5, 7, 11])
        k = [pick([1, 2, 3, 4, 5, 7]) for _ in range(dims)]
        d = [pick([1, 1, 2, 3]) for _ in range(dims)]
        same = rnd.random() < 0.15
        st = [1] * dims if same else [pick([1, 1, 2, 3]) for _ in range(dims)]
        p = 'same' if same else [pick([0, 1, 2, 3]) for _ in range(dims)]
        hw = [pick(sizes) for _ in range(dims)]
        ok = all((hw[i] + (0 if same else 2 * p[i]) - d[i] * (k[i] - 1) - 1) >= 0 for i in range(dims))
        if not ok:
            continue
        conv_case('conv2d' if dims == 2 else 'conv1d', pick([1, 1, 2, 3]), cin, cout, hw, k, st, p, d, g, rnd.random() < 0.7)
        n_conv += 1
    n_pool = 0
    while n_pool < 60:
        mx = n_pool % 2 == 0
        k = [pick([1, 2, 3, 4, 5]) for _ in range(2)]
        st = [pick([1, 2, 3, 4]) for _ in range(2)]
        p = [pick(range(k[i] // 2 + 1)) for i in range(2)]
        d = [pick([1, 1, 2, 3]) for _ in range(2)] if mx else [1, 1]
        ceil = rnd.random() < 0.5
        shape = [pick([1, 2]), pick([1, 3, 5]), pick(sizes), pick(sizes)]
        o = [out_size(shape[2 + i], k[i], st[i], p[i], d[i], ceil) for i in range(2)]
        if min(o) < 1:
            continue
        cip = rnd.random() < 0.5
        tag = f'fuzz{n_pool}_{"x".join(map(str, shape))}_k{k[0]}x{k[1]}_s{st[0]}x{st[1]}_p{p[0]}x{p[1]}'
        if mx:
            case = tag + f'_d{d[0]}x{d[1]}' + ('_ceil' if ceil else '')
            seed = start('maxpool2d', case)
            x = -torch.randn(shape).abs() - 1 if rnd.random() < 0.5 else torch.randn(shape)
            params = {'kernel_size': k, 'stride': st, 'padding': p, 'ceil_mode': ceil, 'input_shape': shape, 'dilation': d}
            fn_case('maxpool2d', case, params, lambda t: F.max_pool2d(t, k, st, p, d, ceil_mode=ceil), {'input': x},
                    'nn.MaxPool2d(**params)(input)', k[0] * k[1], seed)
        else:
            case = tag + ('_cip' if cip else '_nocip') + ('_ceil' if ceil else '')
            seed = start('avgpool2d', case)
            x = torch.randn(shape)
            params = {'kernel_size': k, 'stride': st, 'padding': p, 'ceil_mode': ceil, 'input_shape': shape, 'count_include_pad': cip}
            fn_case('avgpool2d', case, params, lambda t: F.avg_pool2d(t, k, st, p, ceil_mode=ceil, count_include_pad=cip), {'input': x},
                    'nn.AvgPool2d(**params)(input)', k[0] * k[1], seed)
        n_pool += 1
    for i in range(30):
        nd_a = pick([1, 2, 2, 3, 4])
        nd_b = pick([1, 2, 2, 3, 4])
        K = pick(sizes + [65, 127])
        M, N = pick(sizes), pick(sizes)
        batch = [pick([1, 2, 3]) for _ in range(2)]
        a = ([K] if nd_a == 1 else [M, K])
        b = ([K] if nd_b == 1 else [K, N])
        ba = batch[2 - max(0, nd_a - 2):] if nd_a > 2 else []
        bb = [x if rnd.random() < 0.5 else 1 for x in batch][2 - max(0, nd_b - 2):] if nd_b > 2 else []
        a, b = ba + a, bb + b
        case = f'fuzz{i}_{"x".join(map(str, a))}_at_{"x".join(map(str, b))}'
        seed = start('matmul', case)
        fn_case('matmul', case, {'input_shape': a, 'other_shape': b}, torch.matmul, {'input': torch.randn(a), 'other': torch.randn(b)},
                'torch.matmul(input, other)', K, seed)
    for i in range(30):
        bs = pick([[1], [2], [1, 1], [2, 3], [3, 1], [1, 2, 2]])
        L, S, E = pick(sizes + [65]), pick(sizes + [65, 100]), pick([1, 3, 4, 8, 13, 16, 17, 33, 64])
        Ev = pick([None, None, 1, 5, 17])
        causal = rnd.random() < 0.3
        scale = pick([None, None, 0.1, 1.5])
        q, k, v = torch.randn(bs + [L, E]), torch.randn(bs + [S, E]), torch.randn(bs + [S, Ev or E])
        inputs = {'query': q, 'key': k, 'value': v}
        mspec = None
        if not causal and rnd.random() < 0.6:
            shp = pick([[L, S], bs + [L, S], [1] * len(bs) + [L, S], bs[:1] + [1] * (len(bs) - 1) + [L, S]])
            if rnd.random() < 0.5:
                m = torch.rand(shp) < 0.5
                m[..., rnd.randrange(S)] = True
                mspec = {'dtype': 'bool', 'shape': shp, 'keep': 0.5}
            else:
                m = torch.randn(shp).masked_fill(torch.rand(shp) < 0.4, -math.inf)
                m[..., rnd.randrange(S)] = 0.0
                mspec = {'dtype': 'float', 'shape': shp, 'neg_fill': '-inf'}
            inputs['attn_mask'] = m
        case = f'fuzz{i}_{"x".join(map(str, bs))}_L{L}_S{S}_E{E}' + (f'_Ev{Ev}' if Ev else '') + ('_causal' if causal else '') + \
            (f'_{mspec["dtype"]}mask{"x".join(map(str, mspec["shape"]))}' if mspec else '')
        seed = start('scaled_dot_product_attention', case)
        params = {'batch_shape': bs, 'L': L, 'S': S, 'E': E, 'is_causal': causal, 'scale': scale, 'dropout_p': 0.0}
        if Ev:
            params['Ev'] = Ev
        if mspec:
            params['mask'] = mspec
        fn_case('scaled_dot_product_attention', case, params, lambda q_, k_, v_, m_=None: sdpa_reference(q_, k_, v_, m_, causal, scale),
                inputs, 'sdpa_reference(query, key, value, attn_mask, is_causal, scale)', max(S, E), seed)


def gen_large():
    """A few large shapes (tens of MB of activations): memory growth, big im2col/workspace paths."""
    conv_case('conv2d', 1, 64, 64, [112, 112], [3, 3], [1, 1], [1, 1], [1, 1], 1, True)
    conv_case('conv2d', 2, 3, 64, [224, 224], [7, 7], [2, 2], [3, 3], [1, 1], 1, False)
    conv_case('conv2d', 1, 256, 256, [28, 28], [3, 3], [1, 1], [1, 1], [1, 1], 256, True)
    case = '1024x1031_at_1031x1027'
    seed = start('matmul', case)
    fn_case('matmul', case, {'input_shape': [1024, 1031], 'other_shape': [1031, 1027]}, torch.matmul,
            {'input': torch.randn(1024, 1031), 'other': torch.randn(1031, 1027)}, 'torch.matmul(input, other)', 1031, seed)
    case = 'long_32x50257'
    seed = start('softmax', case)
    fn_case('softmax', case, {'dim': -1, 'input_shape': [32, 50257], 'input_scale': 4.0}, lambda t: F.softmax(t, dim=-1),
            {'input': torch.randn(32, 50257) * 4}, 'torch.nn.functional.softmax(input, dim=-1)', 50257, seed)
    case = '1x4_L2048_S2049_E64_causal'
    seed = start('scaled_dot_product_attention', case)
    fn_case('scaled_dot_product_attention', case, {'batch_shape': [1, 4], 'L': 2048, 'S': 2049, 'E': 64, 'is_causal': True, 'scale': None,
                                                   'dropout_p': 0.0},
            lambda q, k, v: sdpa_reference(q, k, v, None, True, None),
            {'query': torch.randn(1, 4, 2048, 64), 'key': torch.randn(1, 4, 2049, 64), 'value': torch.randn(1, 4, 2049, 64)},
            'sdpa_reference(query, key, value, is_causal=True)', 2049, seed)
    case = 'randn_1000x1037'
    for op, f in (('gelu', F.gelu), ('sigmoid', torch.sigmoid)):
        seed = start(op, case)
        fn_case(op, case, {'input': 'randn', 'input_shape': [1000, 1037], 'input_scale': 4.0, **({'approximate': 'none'} if op == 'gelu' else {})},
                f, {'input': torch.randn(1000, 1037) * 4}, f'{op}(input)', 1, seed)


def gen_fuzz_layers():
    """Random valid MultiheadAttention and RNN/GRU/LSTM configurations (fixed seed)."""
    import random
    rnd = random.Random(1128)
    pick = rnd.choice
    M = []
    while len(M) < 30:
        H = pick([1, 2, 3, 4, 5])
        E = H * pick([1, 2, 3, 4, 5, 8, 13])
        L, S, B = pick([1, 2, 3, 5, 9, 17, 33]), pick([1, 2, 3, 5, 9, 17, 40]), pick([1, 2, 3])
        selfa = rnd.random() < 0.4
        if selfa:
            S = L
        kd = None if selfa or rnd.random() < 0.5 else pick([1, 3, E, 7])
        vd = None if kd is None else pick([2, 5, E])
        unb = rnd.random() < 0.2
        nb = 1 if unb else B
        kpm = [rnd.randrange(S) for _ in range(nb)] if rnd.random() < 0.4 else None
        am = None
        r = rnd.random()
        if r < 0.2 and L == S:
            am = {'kind': 'causal_bool'}
        elif r < 0.4:
            am = {'kind': 'float', 'scale': pick([0.5, 1.0, 3.0]), 'per_head': rnd.random() < 0.5}
        elif r < 0.6:
            am = {'kind': 'random_bool', 'per_head': rnd.random() < 0.5, 'keep': 0.6}
        need = rnd.random() < 0.7
        M.append((E, H, L, S, nb, rnd.random() < 0.5, selfa, kd, vd, rnd.random() < 0.8, need, rnd.random() < 0.5, kpm, am, unb))
    gen_mha(M)
    R = []
    for _ in range(12):
        unb = rnd.random() < 0.2
        R.append((pick([1, 2, 3, 7, 17]), pick([1, 2, 3, 5, 8, 13, 17, 33]), pick([1, 2, 3]), pick([1, 2, 5, 17]), None if unb else pick([1, 2, 3, 5]),
                  rnd.random() < 0.5, rnd.random() < 0.5, rnd.random() < 0.5, rnd.random() < 0.7, unb))
    gen_rnn(R)


def main():
    global OUT, FILTER
    args = sys.argv[1:]
    if '--filter' in args:
        i = args.index('--filter')
        FILTER = set(args[i + 1].split(','))
        del args[i:i + 2]
    if args:
        OUT = args[0]
    torch.set_num_threads(1)
    for g in (gen_linear, gen_matmul, gen_conv, gen_pool, gen_batchnorm, gen_layer_norm, gen_softmax, gen_elementwise,
              gen_rnn, gen_sdpa, gen_sdpa_broadcast, gen_mha, gen_transformer, gen_fuzz, gen_large, gen_model, gen_fuzz_layers):
        g()
    counts = {}
    for f in MANIFEST:
        counts[f['op']] = counts.get(f['op'], 0) + 1
    with open(f'{OUT}/manifest.json', 'w') as f:
        json.dump({'format': 'nn-golden/1', 'set': 'heldout', 'torch_version': '1.13.1', 'counts': counts,
                   'total_bytes': sum(f['bytes'] for f in MANIFEST), 'files': MANIFEST}, f, indent=1)
    print(json.dumps(counts), sum(counts.values()), 'files')


if __name__ == '__main__':
    main()
