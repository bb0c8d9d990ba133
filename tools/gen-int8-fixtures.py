#!/usr/bin/python3
"""Writes test/fixtures/int8/*.safetensors: small MLPs quantized by PyTorch's own quantize_dynamic
(qint8 weights per tensor and per channel), converted with tools/torch-qdynamic-to-safetensors.py,
plus a seeded input and the outputs of torch's quantized model (its fbgemm/onednn kernels with
their own dynamic activation quantization) and of the float model. Deterministic (seeded)."""
import importlib.util
import json
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('conv', os.path.join(HERE, 'torch-qdynamic-to-safetensors.py'))
conv = importlib.util.module_from_spec(spec)
spec.loader.exec_module(conv)
OUT = os.path.join(HERE, '..', 'test', 'fixtures', 'int8')


def mlp(seed):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(32, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10)).eval()


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, qconfig in (('mlp_per_tensor', torch.ao.quantization.default_dynamic_qconfig), ('mlp_per_channel', torch.ao.quantization.per_channel_dynamic_qconfig)):
        m = mlp(7)
        x = torch.randn(16, 32, generator=torch.Generator().manual_seed(8))
        with torch.no_grad():
            ref_f32 = m(x)
            q = torch.ao.quantization.quantize_dynamic(m, {torch.nn.Linear: qconfig}, dtype=torch.qint8)
            ref_q = q(x)
        tensors = {('model.' + k): v for k, v in conv.convert(q.state_dict()).items()}
        tensors.update({'input': x, 'output_torch_int8': ref_q, 'output_float32': ref_f32})
        meta = {'torch': torch.__version__, 'engine': torch.backends.quantized.engine, 'qconfig': name, 'layers': json.dumps(['Linear(32,64)', 'ReLU', 'Linear(64,10)'])}
        conv.save_file(tensors, os.path.join(OUT, name + '.safetensors'), meta)


if __name__ == '__main__':
    main()
