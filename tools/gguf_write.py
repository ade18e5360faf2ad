"""Minimal GGUF v3 writer and reader (little-endian only).

Layout written:
  magic "GGUF", u32 version (3), u64 tensor_count, u64 kv_count,
  kv pairs   : key (gguf string), u32 value type, value
  tensor info: name (gguf string), u32 n_dims, u64 ne[n_dims] (ne[0] fastest),
               u32 ggml type, u64 offset (relative to data section, aligned)
  padding to ALIGNMENT, then the data section (each tensor padded to ALIGNMENT).
A gguf string is a u64 byte length followed by the bytes (no terminator).
"""
import struct

import numpy as np

GGUF_MAGIC = b"GGUF"
GGUF_VERSION = 3
ALIGNMENT = 32

# value types
UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, INT64, FLOAT64 = range(13)

_SCALAR_FMT = {
    UINT8: "<B", INT8: "<b", UINT16: "<H", INT16: "<h", UINT32: "<I", INT32: "<i",
    FLOAT32: "<f", BOOL: "<?", UINT64: "<Q", INT64: "<q", FLOAT64: "<d",
}

# ggml tensor types
GGML_F32 = 0
GGML_F16 = 1
_GGML_DTYPE = {GGML_F32: np.dtype("<f4"), GGML_F16: np.dtype("<f2")}


def _pad(n, align=ALIGNMENT):
    return (align - n % align) % align


def _pack_string(s):
    if isinstance(s, str):
        s = s.encode("utf-8")
    return struct.pack("<Q", len(s)) + bytes(s)


def _pack_value(vtype, value):
    if vtype == STRING:
        return _pack_string(value)
    if vtype == ARRAY:
        etype, items = value
        out = [struct.pack("<IQ", etype, len(items))]
        if etype == STRING:
            out.extend(_pack_string(x) for x in items)
        elif etype == ARRAY:
            raise ValueError("nested arrays not supported")
        else:
            dt = np.dtype(_SCALAR_FMT[etype])
            out.append(np.asarray(items, dtype=dt).tobytes())
        return b"".join(out)
    return struct.pack(_SCALAR_FMT[vtype], value)


class GGUFWriter:
    def __init__(self, path):
        self.path = path
        self.kv = []        # (key, vtype, value)
        self.tensors = []   # (name, ne, ggml_type, raw bytes)

    # --- metadata -------------------------------------------------------
    def add_kv(self, key, vtype, value):
        if any(k == key for k, _, _ in self.kv):
            raise ValueError("duplicate key " + key)
        self.kv.append((key, vtype, value))

    def add_u32(self, key, v):
        self.add_kv(key, UINT32, int(v))

    def add_f32(self, key, v):
        self.add_kv(key, FLOAT32, float(v))

    def add_string(self, key, v):
        self.add_kv(key, STRING, v)

    def add_array(self, key, etype, items):
        self.add_kv(key, ARRAY, (etype, list(items)))

    # --- tensors ----------------------------------------------------------
    def add_tensor(self, name, array, ggml_type):
        """array: numpy array in row-major order; GGUF ne is its shape reversed."""
        a = np.ascontiguousarray(np.asarray(array, dtype=_GGML_DTYPE[ggml_type]))
        ne = list(reversed(a.shape))
        self.tensors.append((name, ne, ggml_type, a.tobytes()))

    # --- output -----------------------------------------------------------
    def write(self):
        head = [GGUF_MAGIC, struct.pack("<IQQ", GGUF_VERSION, len(self.tensors), len(self.kv))]
        for key, vtype, value in self.kv:
            head.append(_pack_string(key))
            head.append(struct.pack("<I", vtype))
            head.append(_pack_value(vtype, value))
        offset = 0
        offsets = []
        for name, ne, gtype, raw in self.tensors:
            offsets.append(offset)
            head.append(_pack_string(name))
            head.append(struct.pack("<I", len(ne)))
            head.append(struct.pack("<%dQ" % len(ne), *ne))
            head.append(struct.pack("<IQ", gtype, offset))
            offset += len(raw) + _pad(len(raw))
        header = b"".join(head)
        with open(self.path, "wb") as f:
            f.write(header)
            f.write(b"\0" * _pad(len(header)))
            for (name, ne, gtype, raw), off in zip(self.tensors, offsets):
                f.write(raw)
                f.write(b"\0" * _pad(len(raw)))
        return self.path


# ---------------------------------------------------------------------------
# reader
# ---------------------------------------------------------------------------
class _Buf:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def unpack(self, fmt):
        vals = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return vals

    def string(self):
        (n,) = self.unpack("<Q")
        s = bytes(self.data[self.pos:self.pos + n])
        self.pos += n
        return s

    def value(self, vtype):
        if vtype == STRING:
            return self.string()
        if vtype == ARRAY:
            etype, count = self.unpack("<IQ")
            if etype == STRING:
                return [self.string() for _ in range(count)]
            dt = np.dtype(_SCALAR_FMT[etype])
            arr = np.frombuffer(self.data, dtype=dt, count=count, offset=self.pos).copy()
            self.pos += dt.itemsize * count
            return arr.tolist()
        (v,) = self.unpack(_SCALAR_FMT[vtype])
        return v


def read_gguf(path):
    """Returns (metadata dict, tensors dict name -> numpy array shaped like torch (reversed ne))."""
    with open(path, "rb") as f:
        data = f.read()
    b = _Buf(data)
    if data[:4] != GGUF_MAGIC:
        raise ValueError("not a GGUF file")
    b.pos = 4
    version, n_tensors, n_kv = b.unpack("<IQQ")
    if version != 3:
        raise ValueError("unsupported GGUF version %d" % version)
    meta = {}
    for _ in range(n_kv):
        key = b.string().decode("utf-8")
        (vtype,) = b.unpack("<I")
        v = b.value(vtype)
        if vtype == STRING:
            v = v.decode("utf-8")
        meta[key] = v
    infos = []
    for _ in range(n_tensors):
        name = b.string().decode("utf-8")
        (nd,) = b.unpack("<I")
        ne = b.unpack("<%dQ" % nd)
        gtype, off = b.unpack("<IQ")
        infos.append((name, ne, gtype, off))
    align = meta.get("general.alignment", ALIGNMENT)
    base = b.pos + _pad(b.pos, align)
    tensors = {}
    for name, ne, gtype, off in infos:
        dt = _GGML_DTYPE[gtype]
        count = int(np.prod(ne))
        a = np.frombuffer(data, dtype=dt, count=count, offset=base + off)
        tensors[name] = a.reshape(tuple(reversed(ne))).copy()
    return meta, tensors
