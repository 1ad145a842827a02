"""Converts a PyTorch state dict in the legacy (pre-1.6) pickle format to safetensors.

Usage: convert-efficientnet-lite0.py STATE_DICT.pth OUT.safetensors

Standard library only. The legacy format is five pickles in a row — magic number,
protocol version, system info, the state dict (tensors as persistent references to
storages, with offset, size and stride), the list of storage keys — followed by each
storage's raw little-endian data, preceded by its element count. Floating-point tensors
are written as F32, row-major in their logical shape, under their own names, sorted;
integer tensors (batch-norm `num_batches_tracked` counters) are dropped.
"""
import array
import collections
import json
import pickle
import struct
import sys

MAGIC = 0x1950A86A20F9469CFC6C
ELEMENT = {"FloatStorage": ("f", 4), "LongStorage": ("q", 8)}


class _Tensor:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)


class _Unpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return lambda storage, offset, size, stride, *rest: _Tensor(storage, offset, size, stride)
        if module == "torch" and name in ELEMENT:
            return name
        raise pickle.UnpicklingError(f"unexpected global {module}.{name}")

    def persistent_load(self, pid):
        kind, storage_type, key, _location, _size = pid[:5]
        if kind != "storage" or storage_type not in ELEMENT:
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        return (storage_type, key)


def load(path):
    with open(path, "rb") as f:
        if pickle.load(f) != MAGIC:
            sys.exit(f"{path}: not a legacy PyTorch file")
        if pickle.load(f) != 1001:
            sys.exit(f"{path}: unsupported protocol version")
        info = pickle.load(f)
        if not info.get("little_endian", False):
            sys.exit(f"{path}: big-endian data")
        state = _Unpickler(f).load()
        keys = pickle.load(f)
        types = {}
        for tensor in state.values():
            types[tensor.storage[1]] = tensor.storage[0]
        storages = {}
        for key in keys:
            (count,) = struct.unpack("<q", f.read(8))
            code, width = ELEMENT[types[key]]
            data = array.array(code)
            data.frombytes(f.read(count * width))
            if len(data) != count:
                sys.exit(f"{path}: storage {key} is truncated")
            storages[key] = data
    return state, storages


def contiguous(tensor, data):
    """The tensor's elements in row-major order of its logical shape."""
    out = array.array("f")
    size, stride = tensor.size, tensor.stride
    if not size:
        out.append(data[tensor.offset])
        return out

    def walk(dim, base):
        if dim == len(size) - 1:
            step = stride[dim]
            out.extend(data[base : base + step * size[dim] : step] if step > 0 else [data[base]] * size[dim])
            return
        for i in range(size[dim]):
            walk(dim + 1, base + i * stride[dim])

    walk(0, tensor.offset)
    return out


def main():
    source, destination = sys.argv[1], sys.argv[2]
    state, storages = load(source)
    header, blobs, offset = {}, [], 0
    for name in sorted(state):
        tensor = state[name]
        if tensor.storage[0] != "FloatStorage":
            continue
        values = contiguous(tensor, storages[tensor.storage[1]])
        if sys.byteorder != "little":
            values.byteswap()
        blob = values.tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.size), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    header["__metadata__"] = {"format": "pt", "source": "efficientnet-lite0-57934424.pth"}
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(destination, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    print(f"convert-efficientnet-lite0: {len(blobs)} tensors, {offset} bytes of F32 data", file=sys.stderr)


if __name__ == "__main__":
    main()
