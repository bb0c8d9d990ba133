#!/usr/bin/python3
"""Converts a PyTorch dynamic-quantized model's state dict (torch.ao.quantization.quantize_dynamic,
qint8 weights) into the safetensors layout simdnn's nn.quantizeDynamic modules load:

  <prefix>.weight        I8  (the int8 codes, torch's int_repr(), PyTorch's shape)
  <prefix>.weight_scale  F32 [out] (per-channel scales; a per-tensor scale is repeated)
  <prefix>.bias          F32 [out] (when the layer has one)
  every float tensor of the dict unchanged (F32)

Supported: nn.quantized.dynamic.Linear (per_tensor_affine or per_channel_affine along axis 0, zero
points 0: torch's default symmetric qint8 weights). The activation `scale`/`zero_point` entries of
a dynamic module are placeholders and are dropped. Not supported (refused with a message):
non-zero weight zero points, float16 dynamic weights, and the dynamic RNN modules (their
`_all_weight_values` hold packed C++ objects with no public int8 view).

Usage: torch-qdynamic-to-safetensors.py model.pt out.safetensors   (model.pt: torch.save(model) or
torch.save(model.state_dict())). Also importable: convert(state_dict) -> {name: tensor}.
"""
import json
import struct
import sys

import torch

ST_DTYPE = {torch.float32: 'F32', torch.int8: 'I8', torch.int64: 'I64', torch.int32: 'I32', torch.uint8: 'U8', torch.bool: 'BOOL'}


def save_file(tensors, path, metadata=None):
    """A minimal safetensors writer (the safetensors package is not installed on Debian's torch)."""
    header, blobs, off = {}, [], 0
    for name, t in tensors.items():
        data = t.contiguous().numpy().tobytes()
        header[name] = {'dtype': ST_DTYPE[t.dtype], 'shape': list(t.shape), 'data_offsets': [off, off + len(data)]}
        blobs.append(data)
        off += len(data)
    if metadata:
        header['__metadata__'] = metadata
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))


def convert(sd):
    out = {}
    for key, v in sd.items():
        if key.endswith('._packed_params._packed_params'):
            prefix = key[: -len('._packed_params._packed_params')]
            w, b = v[0], v[1]
            if w.dtype != torch.qint8:
                raise ValueError(f'{prefix}: weight dtype {w.dtype} is not supported (qint8 only)')
            if w.qscheme() in (torch.per_tensor_affine, torch.per_tensor_symmetric):
                if w.q_zero_point() != 0:
                    raise ValueError(f'{prefix}: weight zero point {w.q_zero_point()} != 0 is not supported')
                scales = torch.full((w.shape[0],), w.q_scale(), dtype=torch.float32)
            elif w.qscheme() in (torch.per_channel_affine, torch.per_channel_symmetric):
                if w.q_per_channel_axis() != 0 or bool((w.q_per_channel_zero_points() != 0).any()):
                    raise ValueError(f'{prefix}: per-channel weights must have axis 0 and zero points 0')
                scales = w.q_per_channel_scales().to(torch.float32)
            else:
                raise ValueError(f'{prefix}: qscheme {w.qscheme()} is not supported')
            out[prefix + '.weight'] = w.int_repr().contiguous()
            out[prefix + '.weight_scale'] = scales.contiguous()
            if b is not None:
                out[prefix + '.bias'] = b.detach().to(torch.float32).contiguous()
        elif key.endswith('._packed_params.dtype'):
            if v != torch.qint8:
                raise ValueError(f'{key}: {v} dynamic weights are not supported (qint8 only)')
        elif key.endswith('._all_weight_values') or '._all_weight_values.' in key:
            raise ValueError(f'{key}: dynamic-quantized RNN modules are not supported (packed C++ params)')
        elif isinstance(v, torch.Tensor) and not v.is_quantized:
            base = key.rsplit('.', 1)
            if len(base) == 2 and base[1] in ('scale', 'zero_point') and (base[0] + '._packed_params._packed_params') in sd:
                continue  # activation placeholders of a dynamic module
            out[key] = v.detach().contiguous()
        else:
            raise ValueError(f'{key}: unsupported entry {type(v)}')
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    obj = torch.load(sys.argv[1])
    sd = obj.state_dict() if hasattr(obj, 'state_dict') else obj
    save_file(convert(sd), sys.argv[2])


if __name__ == '__main__':
    main()
