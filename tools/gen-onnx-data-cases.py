#!/usr/bin/python3
"""Extracts the ONNX backend node tests of the data-movement ops (Debian's libonnx-testdata,
/usr/share/libonnx-testdata/data/node) into one JSON file the unit tests read without any ONNX
parser: per test the node (op type, attributes, input/output names), the opset, and the input
and expected output tensors (dtype, dims, flat values; float32 values printed as their shortest
float32 repr, so they round-trip exactly). Tests whose tensors use a dtype the engine lacks are
recorded with a skip reason. Run by hand: /usr/bin/python3 tools/gen-onnx-data-cases.py
"""
import glob, json, os, re, sys
import numpy as np
import onnx
from onnx import numpy_helper

ROOT = '/usr/share/libonnx-testdata/data/node'
OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'onnx-data-node-cases.json')
PATTERN = re.compile(r'^test_(transpose|concat|split|slice|gather|expand|tile|depthtospace|spacetodepth|tril|triu|range|onehot|scatter|eyelike|nonzero|edge_pad|reflect_pad|constant_pad|wrap_pad|pad)')
DTYPES = {np.float32: 'float32', np.int64: 'int64', np.int32: 'int32', np.bool_: 'bool', np.uint8: 'uint8'}


def tensor(a):
    a = np.asarray(a)
    dt = DTYPES.get(a.dtype.type)
    if dt is None:
        return None, str(a.dtype)
    flat = a.reshape(-1)
    if dt == 'float32':
        data = [float(repr(np.float32(v))) if np.isfinite(v) else repr(float(v)) for v in flat]
    elif dt == 'bool':
        data = [int(v) for v in flat]
    else:
        data = [int(v) for v in flat]
    return {'dtype': dt, 'dims': list(a.shape), 'data': data}, None


def attr(a):
    t = a.type
    if t == onnx.AttributeProto.FLOAT: return {'type': 'float', 'value': a.f}
    if t == onnx.AttributeProto.INT: return {'type': 'int', 'value': a.i}
    if t == onnx.AttributeProto.STRING: return {'type': 'string', 'value': a.s.decode()}
    if t == onnx.AttributeProto.FLOATS: return {'type': 'floats', 'value': list(a.floats)}
    if t == onnx.AttributeProto.INTS: return {'type': 'ints', 'value': list(a.ints)}
    if t == onnx.AttributeProto.STRINGS: return {'type': 'strings', 'value': [s.decode() for s in a.strings]}
    raise ValueError('attribute type %d' % t)


def main():
    cases = []
    for d in sorted(glob.glob(os.path.join(ROOT, 'test_*'))):
        name = os.path.basename(d)
        if not PATTERN.match(name) or 'expanded' in name:
            continue
        m = onnx.load(os.path.join(d, 'model.onnx'))
        if len(m.graph.node) != 1:
            continue
        node = m.graph.node[0]
        opset = max((o.version for o in m.opset_import if o.domain in ('', 'ai.onnx')), default=1)
        case = {'name': name, 'opset': opset, 'node': {
            'opType': node.op_type, 'name': node.name, 'inputs': list(node.input), 'outputs': list(node.output),
            'attrs': {a.name: attr(a) for a in node.attribute}}}
        graph_inputs = [i.name for i in m.graph.input]
        ds = sorted(glob.glob(os.path.join(d, 'test_data_set_0')))
        ins, outs, skip = [], [], None
        for f in sorted(glob.glob(os.path.join(ds[0], 'input_*.pb')), key=lambda p: int(re.findall(r'(\d+)\.pb', p)[0])):
            tp = onnx.TensorProto(); tp.ParseFromString(open(f, 'rb').read())
            t, bad = tensor(numpy_helper.to_array(tp))
            skip = skip or (bad and 'input dtype ' + bad)
            ins.append(dict(t or {}, name=tp.name))
        for f in sorted(glob.glob(os.path.join(ds[0], 'output_*.pb')), key=lambda p: int(re.findall(r'(\d+)\.pb', p)[0])):
            tp = onnx.TensorProto(); tp.ParseFromString(open(f, 'rb').read())
            t, bad = tensor(numpy_helper.to_array(tp))
            skip = skip or (bad and 'output dtype ' + bad)
            outs.append(dict(t or {}, name=tp.name))
        case['graphInputs'] = graph_inputs
        case['inputs'] = ins
        case['outputs'] = outs
        if skip:
            case = {'name': name, 'skip': skip}
        cases.append(case)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as fh:
        json.dump(cases, fh, separators=(',', ':'))
    print('%d cases (%d skipped) -> %s' % (len(cases), sum(1 for c in cases if 'skip' in c), OUT))


if __name__ == '__main__':
    main()
