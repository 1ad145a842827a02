"""Converts musicnn's MSD_musicnn TensorFlow 1 checkpoint to safetensors, without TensorFlow.

Usage: convert-musicnn.py CHECKPOINT_PREFIX OUT.safetensors
       convert-musicnn.py --list CHECKPOINT_PREFIX

CHECKPOINT_PREFIX is the path that TensorFlow's Saver was given, e.g.
`musicnn/MSD_musicnn/` (the files are then `musicnn/MSD_musicnn/.index` and
`musicnn/MSD_musicnn/.data-00000-of-00001`).

Standard library only. A checkpoint is a TensorBundle:
- `PREFIX.index` is a LevelDB table (SSTable): a 48-byte footer (metaindex and index
  block handles as varints, then the magic number 0xdb4775248b80fb57), an index block
  whose entries map the last key of each data block to that block's handle, and data
  blocks of prefix-compressed key/value entries with a restart array. Every block is
  followed by a one-byte compression type (0: none; TensorFlow writes bundles
  uncompressed, and anything else is refused) and a masked CRC-32C of block and type
  byte, both checked here. The key "" holds the BundleHeaderProto; every other key is a
  variable name whose value is a BundleEntryProto: dtype (1), shape (2), shard_id (3),
  offset (4), size (5), crc32c (6, masked CRC-32C of the tensor's bytes), slices (7).
- `PREFIX.data-00000-of-00001` holds each tensor's raw little-endian bytes at its offset.

Only the trained variables of the inference graph are written: Adam's slots
(`…/Adam`, `…/Adam_1`), the optimiser's `beta1_power`/`beta2_power` and the step counter
are dropped. Tensors keep their TensorFlow names and shapes (convolution kernels
H×W×I×O, dense kernels I×O) as F32; batch-norm statistics are kept as they are (folding
happens when the model loads), so the file is a plain format conversion.
"""
import array
import json
import struct
import sys

MAGIC = 0xDB4775248B80FB57
DT_FLOAT = 1
DTYPE_WIDTH = {1: 4, 2: 8, 3: 4, 9: 8, 10: 1}


def _crc32c_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _crc32c_table()


def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    table = _TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked(crc):
    """LevelDB's and TensorFlow's CRC mask: rotate right by 15 bits, add a constant."""
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def varint(data, position):
    result, shift = 0, 0
    while True:
        if position >= len(data):
            raise ValueError("truncated varint")
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, position
        shift += 7
        if shift > 63:
            raise ValueError("varint longer than 64 bits")


def read_block(table, offset, size):
    """The contents of one block, after checking its trailer (type byte and masked CRC-32C)."""
    if offset + size + 5 > len(table):
        raise ValueError(f"block at {offset} of {size} bytes runs past the end of the index")
    contents = table[offset : offset + size]
    kind = table[offset + size]
    (stored,) = struct.unpack_from("<I", table, offset + size + 1)
    if masked(crc32c(table[offset : offset + size + 1])) != stored:
        raise ValueError(f"block at {offset}: CRC-32C mismatch")
    if kind != 0:
        raise ValueError(f"block at {offset}: compression type {kind} (only uncompressed blocks are supported)")
    return contents


def block_entries(block):
    """The (key, value) pairs of a block, undoing the shared-prefix compression."""
    if len(block) < 4:
        raise ValueError("block shorter than its restart count")
    (restarts,) = struct.unpack_from("<I", block, len(block) - 4)
    end = len(block) - 4 - 4 * restarts
    if end < 0:
        raise ValueError("restart array larger than the block")
    position, key = 0, b""
    while position < end:
        shared, position = varint(block, position)
        unshared, position = varint(block, position)
        length, position = varint(block, position)
        if shared > len(key) or position + unshared + length > end:
            raise ValueError(f"malformed block entry at {position}")
        key = key[:shared] + block[position : position + unshared]
        position += unshared
        yield bytes(key), bytes(block[position : position + length])
        position += length


def protobuf_fields(message):
    """(field number, value) pairs: varints as ints, length-delimited and fixed as bytes/ints."""
    position = 0
    while position < len(message):
        tag, position = varint(message, position)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            value, position = varint(message, position)
        elif wire == 2:
            length, position = varint(message, position)
            value = message[position : position + length]
            position += length
        elif wire == 5:
            (value,) = struct.unpack_from("<I", message, position)
            position += 4
        elif wire == 1:
            (value,) = struct.unpack_from("<Q", message, position)
            position += 8
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        yield number, value


def bundle_entry(value):
    entry = {"dtype": 0, "shape": [], "shard": 0, "offset": 0, "size": 0, "crc32c": None}
    for number, field in protobuf_fields(value):
        if number == 1:
            entry["dtype"] = field
        elif number == 2:
            for shape_number, dim in protobuf_fields(field):
                if shape_number == 2:
                    size = dict(protobuf_fields(dim)).get(1, 0)
                    entry["shape"].append(size)
                elif shape_number == 3 and dim:
                    raise ValueError("tensor of unknown rank")
        elif number == 3:
            entry["shard"] = field
        elif number == 4:
            entry["offset"] = field
        elif number == 5:
            entry["size"] = field
        elif number == 6:
            entry["crc32c"] = field
        elif number == 7:
            raise ValueError("sliced tensors are not supported")
    return entry


def read_index(path):
    """{name: BundleEntry dict} for every tensor of the bundle, in key order."""
    with open(path, "rb") as f:
        table = f.read()
    if len(table) < 48:
        raise ValueError(f"{path}: shorter than an SSTable footer")
    footer = table[-48:]
    (magic,) = struct.unpack_from("<Q", footer, 40)
    if magic != MAGIC:
        raise ValueError(f"{path}: not an SSTable (magic {magic:#x})")
    position = 0
    _meta_offset, position = varint(footer, position)
    _meta_size, position = varint(footer, position)
    index_offset, position = varint(footer, position)
    index_size, position = varint(footer, position)
    entries = {}
    for _last_key, handle in block_entries(read_block(table, index_offset, index_size)):
        offset, position = varint(handle, 0)
        size, _ = varint(handle, position)
        for key, value in block_entries(read_block(table, offset, size)):
            if key == b"":
                header = dict(protobuf_fields(value))
                if header.get(1, 1) != 1:
                    raise ValueError(f"{path}: {header.get(1)} shards (only one is supported)")
                continue
            entries[key.decode()] = bundle_entry(value)
    return entries


def read_tensors(prefix, keep=lambda name: True):
    """{name: (shape, array of float32)} for the float tensors whose names `keep` accepts."""
    entries = read_index(prefix + ".index")
    with open(prefix + ".data-00000-of-00001", "rb") as f:
        data = f.read()
    tensors = {}
    for name, entry in entries.items():
        if not keep(name):
            continue
        if entry["dtype"] != DT_FLOAT:
            raise ValueError(f"{name}: dtype {entry['dtype']}, expected DT_FLOAT")
        count = 1
        for size in entry["shape"]:
            count *= size
        start, size = entry["offset"], entry["size"]
        if size != 4 * count or start + size > len(data) or entry["shard"] != 0:
            raise ValueError(f"{name}: {size} bytes at {start} do not hold shape {entry['shape']}")
        blob = data[start : start + size]
        if entry["crc32c"] is not None and masked(crc32c(blob)) != entry["crc32c"]:
            raise ValueError(f"{name}: CRC-32C mismatch")
        values = array.array("f")
        values.frombytes(blob)
        if sys.byteorder != "little":
            values.byteswap()
        tensors[name] = (entry["shape"], values)
    return tensors


def is_inference_variable(name):
    last = name.rsplit("/", 1)[-1]
    return last not in ("Adam", "Adam_1") and name not in ("beta1_power", "beta2_power", "global_step")


def write_safetensors(tensors, destination, source):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        shape, values = tensors[name]
        blob = values.tobytes() if sys.byteorder == "little" else _swapped(values)
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    header["__metadata__"] = {"format": "tf", "source": source}
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(destination, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    return len(blobs), offset


def _swapped(values):
    copy = array.array("f", values)
    copy.byteswap()
    return copy.tobytes()


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--list":
        for name, entry in read_index(sys.argv[2] + ".index").items():
            print(name, entry["shape"], entry["dtype"])
        return
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    prefix, destination = sys.argv[1], sys.argv[2]
    try:
        tensors = read_tensors(prefix, is_inference_variable)
    except (OSError, ValueError) as error:
        sys.exit(f"convert-musicnn: {error}")
    count, size = write_safetensors(tensors, destination, "musicnn 0.1.0 MSD_musicnn")
    print(f"convert-musicnn: {count} tensors, {size} bytes of F32 data", file=sys.stderr)


if __name__ == "__main__":
    main()
