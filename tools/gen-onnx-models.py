#!/usr/bin/python3
"""Exports PyTorch models to ONNX with their inputs and PyTorch outputs (fixtures of test/onnx/models.test.ts).

Run by hand with Debian's PyTorch 1.13 / torchvision / torchaudio / onnx (tests never run Python):

    /usr/bin/python3 tools/gen-onnx-models.py            # the small models -> test/fixtures/onnx-models/
    /usr/bin/python3 tools/gen-onnx-models.py --large    # the large CNNs   -> .models/ (gitignored)
    /usr/bin/python3 tools/gen-onnx-models.py --filter gru   # only models whose name contains 'gru'

For each model NAME it writes NAME.onnx (torch.onnx.export, opset 17, static shapes, weights
inside the file) and NAME.safetensors holding the inputs as `input.<onnx input name>` and the
reference outputs as `output.<onnx output name>`. The safetensors metadata (`__metadata__`) says
how the reference was computed (`reference_dtype`: "float64" when the model, converted with
.double(), ran on the stored float32 inputs and weights (exact conversion) and the result was
rounded to float32; else "float32"), the tolerance (`tol`: max|out-ref| / max(1, max|ref|) per
output), the op types the graph uses (`op_types`, JSON) and the seed. It also writes
manifest.json in the output folder (one entry per model: file names, op types, sizes, inputs,
outputs). For the torchvision models (--large) it also writes NAME.state.safetensors, the same
weights as PyTorch's state_dict, and the manifest entry names the zoo factory (`zoo`): the zoo
bench (bench/workloads/zoo.ts) runs `models.NAME()` with that state dict against NAME.onnx.

Weights are PyTorch's default init under a per-model seed (crc32 of the name), every nn.Linear
re-drawn with nn.Linear's own default init and BatchNorm affine parameters random (see
randomize(): torchvision's zero/0.01-std classifier inits make logits ~0). BatchNorm running
statistics are made realistic by a few train-mode forward passes on random inputs (no gradient
step) before eval. Models that do not export are reported and skipped (the manifest lists them
with the error).
"""
import io
import json
import os
import struct
import sys
import traceback
import zlib

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SMALL_OUT = os.path.join(ROOT, 'test', 'fixtures', 'onnx-models')
LARGE_OUT = os.path.join(ROOT, '.models')
OPSET = 17
TOL = 1e-4

DTYPES = {torch.float32: 'F32', torch.int64: 'I64', torch.bool: 'BOOL', torch.int32: 'I32'}


def seed_of(name):
    return zlib.crc32(f'onnx-models/{name}'.encode()) & 0x7FFFFFFF


def write_safetensors(path, tensors, metadata):
    """Minimal safetensors writer (format of src/io/safetensors.ts); keys in insertion order."""
    header = {'__metadata__': {k: str(v) for k, v in metadata.items()}}
    blobs = []
    offset = 0
    for key, t in tensors.items():
        t = t.detach().contiguous().cpu()
        if t.dtype not in DTYPES:
            raise TypeError(f'{key}: unsupported dtype {t.dtype}')
        if t.dtype == torch.bool:
            data = t.to(torch.uint8).numpy().tobytes()
        else:
            data = t.numpy().tobytes()
        header[key] = {'dtype': DTYPES[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def randomize(model):
    """Weights that make a non-trivial test: every nn.Linear gets PyTorch's default init (torchvision
    zeroes the ViT head and draws classifiers with std 0.01, which makes logits ~0), and
    BatchNorm affine parameters are random instead of 1/0."""
    for m in model.modules():
        if isinstance(m, nn.Linear):
            m.reset_parameters()
        elif isinstance(m, nn.modules.batchnorm._BatchNorm) and m.affine:
            with torch.no_grad():
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0.0, 0.2)


def calibrate_bn(model, make_inputs, passes=4):
    """A few train-mode forwards (no optimizer step) so BatchNorm running stats are not 0/1."""
    if not any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in model.modules()):
        return
    model.train()
    with torch.no_grad():
        for _ in range(passes):
            model(*make_inputs())
    model.eval()


def reference(model, inputs):
    """float64 outputs of the model on the (float32) inputs, rounded to float32.

    Runs with autograd enabled and parameters requiring grad, so PyTorch's fused inference fast
    paths (nested tensors, _transformer_encoder_layer_fwd) are not taken: the reference is the
    plain math the exported graph spells.
    """
    m64 = _clone(model).double()
    ins = [x.double() if x.is_floating_point() else x for x in inputs]
    with torch.enable_grad():
        out = m64(*ins)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    return [o.detach().float() for o in outs]


def _clone(model):
    buf = io.BytesIO()
    torch.save(model, buf)
    buf.seek(0)
    return torch.load(buf)


# ---------------------------------------------------------------------------------------------
# Models. Each entry: name -> (builder, large?). A builder returns (model, make_inputs,
# input_names, output_names); make_inputs() draws a fresh random input tuple (also used for BN
# calibration, so it must be called under the seed).


class Squeeze(nn.Module):
    """Wraps a model whose forward returns a tuple and keeps the first output."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, *args):
        out = self.inner(*args)
        return out[0] if isinstance(out, (tuple, list)) else out


def tv(fn, size=224, **kw):
    def build():
        import torchvision
        model = getattr(torchvision.models, fn)(**kw)
        return model, lambda: (torch.randn(1, 3, size, size),), ['input'], ['logits']
    build.zoo = {'factory': fn, 'kwargs': kw}  # simdnn's models.<fn>(camelCase kwargs) is the same network
    return build


def ta(fn, samples=16000, **kw):
    """A torchaudio zoo model on a [1, samples] waveform, first output only (wav2vec2 returns (x, lengths))."""
    def build():
        import torchaudio
        model = getattr(torchaudio.models, fn)(**kw)
        return Squeeze(model), lambda: (torch.randn(1, samples),), ['waveform'], ['features']
    build.zoo = {'factory': fn, 'kwargs': kw}
    return build


def vit_small():
    from torchvision.models import VisionTransformer
    model = VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=32,
                              mlp_dim=64, num_classes=10)
    return model, lambda: (torch.randn(2, 3, 32, 32),), ['input'], ['logits']


class EncoderWithMask(nn.Module):
    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)

    def forward(self, x, padding_mask):
        return self.encoder(x, src_key_padding_mask=padding_mask)


def transformer_encoder():
    def inputs():
        x = torch.randn(2, 7, 32)
        mask = torch.zeros(2, 7, dtype=torch.bool)
        mask[1, 5:] = True  # the second sequence has 5 valid tokens
        return x, mask
    return EncoderWithMask(), inputs, ['x', 'padding_mask'], ['y']


class Seq2Seq(nn.Module):
    def __init__(self):
        super().__init__()
        self.t = nn.Transformer(d_model=32, nhead=4, num_encoder_layers=2, num_decoder_layers=2,
                                dim_feedforward=64, dropout=0.0, batch_first=True)
        self.t.encoder.enable_nested_tensor = False  # the nested-tensor fast path does not export

    def forward(self, src, tgt, src_padding_mask):
        T = tgt.shape[1]
        tgt_mask = torch.triu(torch.full((T, T), float('-inf')), diagonal=1)
        return self.t(src, tgt, tgt_mask=tgt_mask, src_key_padding_mask=src_padding_mask,
                      memory_key_padding_mask=src_padding_mask)


def transformer_seq2seq():
    def inputs():
        mask = torch.zeros(2, 6, dtype=torch.bool)
        mask[0, 4:] = True
        return torch.randn(2, 6, 32), torch.randn(2, 5, 32), mask
    return Seq2Seq(), inputs, ['src', 'tgt', 'src_padding_mask'], ['y']


class GPT(nn.Module):
    def __init__(self, vocab=50, d=32, heads=4, layers=2, ctx=16):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(ctx, d)
        layer = nn.TransformerEncoderLayer(d_model=d, nhead=heads, dim_feedforward=4 * d, dropout=0.0,
                                           activation='gelu', batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, num_layers=layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)

    def forward(self, ids):
        T = ids.shape[1]
        pos = torch.arange(T, device=ids.device).unsqueeze(0)
        x = self.tok(ids) + self.pos(pos)
        causal = torch.triu(torch.full((T, T), float('-inf'), dtype=x.dtype), diagonal=1)
        x = self.blocks(x, mask=causal)
        return self.head(self.norm(x))


def gpt_decoder():
    return GPT(), lambda: (torch.randint(0, 50, (2, 9)),), ['ids'], ['logits']


class GruModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(input_size=12, hidden_size=20, num_layers=2, batch_first=True)
        self.fc = nn.Linear(20, 5)

    def forward(self, x, h0):
        y, hn = self.gru(x, h0)
        return self.fc(y), hn


def gru_model():
    return GruModel(), lambda: (torch.randn(3, 11, 12), torch.randn(2, 3, 20)), ['x', 'h0'], ['y', 'hn']


class KeywordSpotter(nn.Module):
    """Conv1d front end over 40-band features, a bidirectional LSTM, a classifier on the mean."""

    def __init__(self, bands=40, classes=12):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(bands, 32, kernel_size=5, padding=2), nn.BatchNorm1d(32), nn.ReLU(),
            nn.Conv1d(32, 32, kernel_size=3, stride=2, padding=1), nn.BatchNorm1d(32), nn.ReLU())
        self.lstm = nn.LSTM(32, 24, num_layers=2, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(48, classes)

    def forward(self, feats):  # [B, bands, T]
        x = self.conv(feats).transpose(1, 2)  # [B, T/2, 32]
        y, _ = self.lstm(x)
        return self.fc(y.mean(dim=1))


def kws_lstm():
    return KeywordSpotter(), lambda: (torch.randn(2, 40, 30),), ['features'], ['logits']


class Rnn1(nn.Module):
    """A plain Elman RNN (tanh) with an initial state: exercises the ONNX RNN op."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(8, 16, num_layers=1, batch_first=False, bidirectional=True)

    def forward(self, x, h0):
        return self.rnn(x, h0)


def rnn_tanh():
    return Rnn1(), lambda: (torch.randn(6, 2, 8), torch.randn(2, 2, 16)), ['x', 'h0'], ['y', 'hn']


def wav2vec2_small():
    from torchaudio.models import wav2vec2_model
    model = wav2vec2_model(
        extractor_mode='group_norm',
        extractor_conv_layer_config=[(16, 10, 5), (16, 3, 2), (16, 2, 2)],
        extractor_conv_bias=False, encoder_embed_dim=32, encoder_projection_dropout=0.0,
        encoder_pos_conv_kernel=16, encoder_pos_conv_groups=4, encoder_num_layers=2, encoder_num_heads=4,
        encoder_attention_dropout=0.0, encoder_ff_interm_features=64, encoder_ff_interm_dropout=0.0,
        encoder_dropout=0.0, encoder_layer_norm_first=False, encoder_layer_drop=0.0, aux_num_out=10)
    return Squeeze(model), lambda: (torch.randn(1, 800),), ['waveform'], ['logits']


class ConformerModel(nn.Module):
    def __init__(self):
        super().__init__()
        from torchaudio.models import Conformer
        self.c = Conformer(input_dim=32, num_heads=4, ffn_dim=64, num_layers=2, depthwise_conv_kernel_size=7,
                           dropout=0.0)

    def forward(self, x, lengths):
        return self.c(x, lengths)[0]


def conformer_small():
    return ConformerModel(), lambda: (torch.randn(2, 12, 32), torch.tensor([12, 9])), ['x', 'lengths'], ['y']


def mobilenet_v3_tiny():
    """mobilenet_v3_small at width 0.25 on 64x64 (a small CNN with Conv/BN/HardSwish/SE to commit)."""
    from torchvision.models.mobilenetv3 import _mobilenet_v3_conf, MobileNetV3
    setting, last = _mobilenet_v3_conf('mobilenet_v3_small', width_mult=0.25)
    model = MobileNetV3(setting, last, num_classes=10)
    return model, lambda: (torch.randn(1, 3, 64, 64),), ['input'], ['logits']


MODELS = {
    # Small: committed under test/fixtures/onnx-models/.
    'gru_model': (gru_model, False),
    'rnn_tanh': (rnn_tanh, False),
    'kws_lstm': (kws_lstm, False),
    'transformer_encoder': (transformer_encoder, False),
    'transformer_seq2seq': (transformer_seq2seq, False),
    'gpt_decoder': (gpt_decoder, False),
    'vit_small': (vit_small, False),
    'wav2vec2_small': (wav2vec2_small, False),
    'conformer_small': (conformer_small, False),
    'mobilenet_v3_tiny': (mobilenet_v3_tiny, False),
    # Large: generated into .models/ (gitignored), checked by `npm run check:models`.
    'resnet18': (tv('resnet18'), True),
    'mobilenet_v2': (tv('mobilenet_v2'), True),
    'mobilenet_v3_small': (tv('mobilenet_v3_small'), True),
    'efficientnet_b0': (tv('efficientnet_b0'), True),
    'squeezenet1_1': (tv('squeezenet1_1'), True),
    'shufflenet_v2_x0_5': (tv('shufflenet_v2_x0_5'), True),
    # ViT-S/16 widths at half depth (vit_b_16's .onnx is 330 MB), and wav2vec2_base on 1 s of 16 kHz audio
    'vit_s16_l6': (tv('VisionTransformer', image_size=224, patch_size=16, num_layers=6, num_heads=6, hidden_dim=384, mlp_dim=1536), True),
    'wav2vec2_base': (ta('wav2vec2_base'), True),
}


def export_one(name, build, out_dir):
    seed = seed_of(name)
    torch.manual_seed(seed)
    model, make_inputs, in_names, out_names = build()
    zoo = getattr(build, 'zoo', None)
    model.eval()
    randomize(model)
    calibrate_bn(model, make_inputs)
    for p in model.parameters():
        p.requires_grad_(True)
    inputs = make_inputs()
    refs = reference(model, inputs)
    if len(refs) != len(out_names):
        raise RuntimeError(f'{name}: {len(refs)} outputs, {len(out_names)} names')
    # float32 PyTorch outputs too: the reference's own float32 error is stated in the manifest.
    with torch.no_grad():
        o32 = model(*inputs)
    o32 = o32 if isinstance(o32, (tuple, list)) else (o32,)
    f32_err = max(float((a - r).abs().max() / max(1.0, float(r.abs().max()))) for a, r in zip(o32, refs))

    onnx_path = os.path.join(out_dir, f'{name}.onnx')
    # Traced with autograd on (see reference()): the exported graph is the plain math.
    with torch.enable_grad():
        torch.onnx.export(model, tuple(inputs), onnx_path, opset_version=OPSET, input_names=in_names,
                          output_names=out_names, do_constant_folding=True)
    m = onnx.load(onnx_path)
    onnx.checker.check_model(m)
    op_types = sorted({n.op_type for n in m.graph.node})
    graph_inputs = [i.name for i in m.graph.input]
    tensors = {}
    # Inputs the exporter dropped (unused by the graph) are not stored.
    for n, x in zip(in_names, inputs):
        if n in graph_inputs:
            tensors[f'input.{n}'] = x
    for n, r in zip(out_names, refs):
        tensors[f'output.{n}'] = r
    meta = {'format': 'onnx-model-fixture/1', 'generator': 'tools/gen-onnx-models.py', 'model': name,
            'seed': seed, 'opset': OPSET, 'torch': torch.__version__, 'reference_dtype': 'float64',
            'reference': 'float64 evaluation of the model (.double()) on the stored float32 inputs and weights, '
                         'rounded to float32', 'tol': TOL,
            'tol_rule': 'max|out-ref| / max(1, max|ref|) <= tol per output',
            'torch_f32_err': f'{f32_err:.3g}', 'op_types': json.dumps(op_types)}
    st_path = os.path.join(out_dir, f'{name}.safetensors')
    write_safetensors(st_path, tensors, meta)
    extra = {}
    if zoo:
        # The same weights as a PyTorch state_dict, for the zoo model of the same name
        # (bench/workloads/zoo.ts runs models.<name>() with it against this .onnx in onnxruntime-web).
        zoo_model = model.inner if isinstance(model, Squeeze) else model
        write_safetensors(os.path.join(out_dir, f'{name}.state.safetensors'), zoo_model.state_dict(),
                          {'format': 'pytorch-state-dict', 'generator': 'tools/gen-onnx-models.py', 'model': name, 'seed': seed})
        extra = {'zoo': zoo, 'state_dict': f'{name}.state.safetensors'}
    return {**extra, 'name': name, 'onnx': f'{name}.onnx', 'data': f'{name}.safetensors', 'seed': seed, 'opset': OPSET,
            'op_types': op_types, 'nodes': len(m.graph.node), 'onnx_bytes': os.path.getsize(onnx_path),
            'inputs': {n: list(x.shape) for n, x in zip(in_names, inputs) if n in graph_inputs},
            'outputs': {n: list(r.shape) for n, r in zip(out_names, refs)}, 'torch_f32_err': f32_err}


def main(argv):
    large = '--large' in argv
    filt = argv[argv.index('--filter') + 1] if '--filter' in argv else None
    out_dir = LARGE_OUT if large else SMALL_OUT
    os.makedirs(out_dir, exist_ok=True)
    manifest_path = os.path.join(out_dir, 'manifest.json')
    manifest = {'models': [], 'failed': []}
    if filt and os.path.exists(manifest_path):
        with open(manifest_path) as f:
            manifest = json.load(f)
    for name, (build, is_large) in MODELS.items():
        if is_large != large or (filt and filt not in name):
            continue
        manifest['models'] = [e for e in manifest['models'] if e['name'] != name]
        manifest['failed'] = [e for e in manifest['failed'] if e['name'] != name]
        try:
            entry = export_one(name, build, out_dir)
            manifest['models'].append(entry)
            print(f'OK   {name}: {entry["nodes"]} nodes, {entry["onnx_bytes"]} bytes, ops {" ".join(entry["op_types"])}',
                  flush=True)
        except Exception as e:  # noqa: BLE001 (a model that does not export is reported, not fatal)
            msg = f'{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ""}'
            manifest['failed'].append({'name': name, 'error': msg})
            for ext in ('.onnx', '.safetensors'):
                p = os.path.join(out_dir, name + ext)
                if os.path.exists(p):
                    os.remove(p)
            print(f'FAIL {name}: {msg}', flush=True)
            if '--verbose' in argv:
                traceback.print_exc()
    order = list(MODELS)
    manifest['models'].sort(key=lambda e: order.index(e['name']))
    manifest['failed'].sort(key=lambda e: order.index(e['name']))
    with open(manifest_path, 'w') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main(sys.argv[1:])
