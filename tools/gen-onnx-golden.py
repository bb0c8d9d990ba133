#!/usr/bin/env python3
"""Converts ONNX backend node tests (libonnx-testdata) into golden cases of format nn-golden-onnx/1:
one safetensors file per test data set, the node's inputs and expected outputs as tensors, and in the
metadata the op type, opset, domain and attributes (params JSON), so tools/conformance/onnx-case.ts
runs them through the ONNX operator table. Usage:
  /usr/bin/python3 tools/gen-onnx-golden.py OUT_DIR TEST_NAME...   (names under .../data/node/)
The committed cases (test/fixtures/onnx-node/) were made with:
  /usr/bin/python3 tools/gen-onnx-golden.py test/fixtures/onnx-node test_relu test_conv_with_strides_padding \\
    test_softmax_axis_1 test_gather_0 test_reduce_mean_keepdims_example test_transpose_all_permutations_2 \\
    test_leakyrelu test_averagepool_2d_pads test_layer_normalization_4d_axis1 test_concat_2d_axis_0 \\
    test_gemm_all_attributes test_where_example test_matmul_4d test_slice
"""
import json, os, struct, sys
import numpy as np
import onnx
from onnx import numpy_helper

NODE = '/usr/share/libonnx-testdata/data/node'
ST = {np.float32: 'F32', np.int64: 'I64', np.int32: 'I32', np.uint8: 'U8', np.bool_: 'BOOL', np.int8: 'I8'}

def attr_value(a):
    v = onnx.helper.get_attribute_value(a)
    if isinstance(v, bytes): return v.decode()
    if isinstance(v, (list, tuple)): return [x.decode() if isinstance(x, bytes) else x for x in v]
    if isinstance(v, (int, float, str)): return v
    return None  # tensors, graphs: not representable in params JSON

def write_st(path, tensors, meta):
    items = sorted(tensors.items(), key=lambda kv: -kv[1].dtype.itemsize)
    header, off, blobs = {'__metadata__': meta}, 0, []
    for name, arr in items:
        arr = np.ascontiguousarray(arr)
        b = arr.tobytes()
        header[name] = {'dtype': ST[arr.dtype.type], 'shape': list(arr.shape), 'data_offsets': [off, off + len(b)]}
        off += len(b); blobs.append(b)
    h = json.dumps(header).encode()
    h += b' ' * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h))); f.write(h)
        for b in blobs: f.write(b)

def main(out, names):
    for name in names:
        d = os.path.join(NODE, name)
        m = onnx.load(os.path.join(d, 'model.onnx'))
        (node,) = m.graph.node
        opset = next(o.version for o in m.opset_import if o.domain in ('', 'ai.onnx'))
        attrs = {a.name: attr_value(a) for a in node.attribute}
        if any(v is None for v in attrs.values()): print('skip (tensor/graph attribute):', name); continue
        ins = [i.name for i in m.graph.input]
        outs = [o.name for o in m.graph.output]
        ds = os.path.join(d, 'test_data_set_0')
        load = lambda f: numpy_helper.to_array(onnx.load_tensor(os.path.join(ds, f)))
        tensors = {n: load(f'input_{i}.pb') for i, n in enumerate(ins)}
        tensors.update({n: load(f'output_{i}.pb') for i, n in enumerate(outs)})
        if any(t.dtype.type not in ST for t in tensors.values()): print('skip (dtype):', name); continue
        os.makedirs(out, exist_ok=True)
        meta = {'format': 'nn-golden-onnx/1', 'op': node.op_type, 'case': name, 'set': 'public',
                'params': json.dumps({'op_type': node.op_type, 'domain': node.domain, 'opset': opset, 'attributes': attrs}),
                'inputs': json.dumps([n for n in node.input]), 'outputs': json.dumps(outs), 'state_dict': '[]',
                'tol': '1e-4', 'reference': f'ONNX backend test {name} (libonnx-testdata), expected outputs as shipped'}
        write_st(os.path.join(out, name + '.safetensors'), tensors, meta)
        print('wrote', name)

if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2:])
